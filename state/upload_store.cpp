#include "state/upload_store.hpp"

#include "state/body_hash.hpp"
#include "state/state_store.hpp"
#include "state/timestamp.hpp"

#include <array>
#include <utility>

namespace hr2scim::state {
namespace {

constexpr std::array<std::pair<PendingUpload::Status, std::string_view>, 3> k_statuses{{
    {PendingUpload::Status::awaiting, "awaiting"},
    {PendingUpload::Status::failed, "failed"},
    {PendingUpload::Status::given_up, "given_up"},
}};

} // namespace

std::string_view to_string(PendingUpload::Status status) {
    for (const auto& [each, name] : k_statuses)
        if (each == status) return name;
    return "awaiting";
}

std::optional<PendingUpload::Status> upload_status_from(std::string_view text) {
    for (const auto& [status, name] : k_statuses)
        if (name == text) return status;
    return std::nullopt;
}

std::vector<PendingUpload> load_uploads(Database& db, const std::string& target) {
    std::vector<PendingUpload> uploads;
    auto query = db.prepare("SELECT source_key, external_id, uploaded_at, attempts, kind, status, "
                            "reason FROM uploads WHERE target = ? ORDER BY source_key");
    query.bind(1, target);
    while (query.step()) {
        PendingUpload upload;
        upload.key = query.text(0);
        upload.external_id = query.text(1);
        upload.uploaded_at = from_timestamp(query.text(2)).value_or(std::chrono::sys_seconds{});
        upload.attempts = static_cast<size_t>(std::max<std::int64_t>(query.integer(3), 1));
        upload.kind = query.text(4);
        upload.status = upload_status_from(query.text(5)).value_or(PendingUpload::Status::awaiting);
        upload.reason = query.is_null(6) ? std::string() : query.text(6);
        uploads.push_back(std::move(upload));
    }
    return uploads;
}

void StateStore::record_upload(const std::string& target, const std::string& key,
                               const std::string& external_id, std::chrono::sys_seconds at,
                               std::string_view kind, bool repeat) {
    m_db.prepare("INSERT INTO uploads (target, source_key, external_id, uploaded_at, attempts, "
                 "kind, status, reason) VALUES (?, ?, ?, ?, 1, ?, 'awaiting', NULL) "
                 "ON CONFLICT (target, source_key) DO UPDATE SET external_id = "
                 "excluded.external_id, uploaded_at = excluded.uploaded_at, kind = excluded.kind, "
                 "status = 'awaiting', reason = NULL, attempts = CASE WHEN ? THEN "
                 "uploads.attempts + 1 ELSE 1 END")
        .bind(1, target)
        .bind(2, key)
        .bind(3, external_id)
        .bind(4, to_timestamp(at))
        .bind(5, std::string(kind))
        .bind(6, std::int64_t{repeat ? 1 : 0})
        .run();
}

void StateStore::confirm_upload(const std::string& target, const std::string& key) {
    m_db.prepare("DELETE FROM uploads WHERE target = ? AND source_key = ?")
        .bind(1, target)
        .bind(2, key)
        .run();
}

void StateStore::fail_upload(const std::string& target, const PendingUpload& upload) {
    Transaction transaction(m_db);
    m_db.prepare("UPDATE uploads SET status = ?, reason = ? WHERE target = ? AND source_key = ?")
        .bind(1, std::string(to_string(upload.status)))
        .bind(2, upload.reason)
        .bind(3, target)
        .bind(4, upload.key)
        .run();
    if (upload.status == PendingUpload::Status::failed) {
        // Before a deactivation the account was active, before a reactivation inactive.
        std::string status = "status";
        if (upload.kind == "deactivate") status = "'active', deactivated_at = NULL";
        if (upload.kind == "reactivate")
            status = "'deactivated', deactivated_at = COALESCE(deactivated_at, " +
                     std::string(k_sql_now) + ")";
        const std::string empty = "{}";
        m_db.prepare("UPDATE resources SET body = ?, body_hash = ?, status = " + status +
                     ", updated_at = " + std::string(k_sql_now) +
                     " WHERE target = ? AND source_key = ?")
            .bind(1, empty)
            .bind(2, fingerprint(empty))
            .bind(3, target)
            .bind(4, upload.key)
            .run();
    }
    transaction.commit();
}

std::vector<PendingUpload> StateStore::uploads(const std::string& target) {
    return load_uploads(m_db, target);
}

bool StateStore::holds_any_account(const std::string& target, const std::vector<std::string>& ids) {
    auto query = m_db.prepare("SELECT 1 FROM resources WHERE target = ? AND scim_id = ? LIMIT 1");
    for (const auto& id : ids) {
        query.reset();
        query.bind(1, target).bind(2, id);
        if (query.step()) return true;
    }
    return false;
}

} // namespace hr2scim::state
