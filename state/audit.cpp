#include "state/audit.hpp"

#include "state/source_key.hpp"
#include "state/state_store.hpp"
#include "state/timestamp.hpp"

namespace hr2scim::state {

void StateStore::append_audit(const AuditEntry& entry, bool unless_repeated) {
    const auto attributes = entry.attributes.dump();
    if (unless_repeated) {
        auto last = m_db.prepare("SELECT operation, attributes, status, error FROM audit "
                                 "WHERE target = ? AND source_key = ? ORDER BY id DESC LIMIT 1");
        last.bind(1, entry.target).bind(2, entry.key);
        if (last.step() && last.view(0) == entry.operation && last.view(1) == attributes &&
            last.view(2) == entry.status && last.view(3) == entry.error)
            return;
    }
    if (!m_audit)
        m_audit = m_db.prepare_kept(
            "INSERT INTO audit (at, run_id, target, source_key, operation, attributes, status, "
            "error, reason) VALUES (" +
            std::string(k_sql_now) + ", ?, ?, ?, ?, ?, ?, ?, ?)");
    m_audit->reset();
    m_audit->bind(1, entry.run_id)
        .bind(2, entry.target)
        .bind(3, entry.key)
        .bind(4, entry.operation)
        .bind(5, attributes)
        .bind(6, entry.status)
        .bind(7, entry.error)
        .bind(8, entry.reason)
        .run();
}

size_t StateStore::prune_audit(std::chrono::days keep) {
    m_db.prepare("DELETE FROM audit WHERE at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)")
        .bind(1, "-" + std::to_string(keep.count()) + " days")
        .run();
    return static_cast<size_t>(m_db.changes());
}

std::vector<AuditRecord> read_audit(const std::filesystem::path& state, const std::string& key,
                                    bool case_sensitive) {
    std::vector<AuditRecord> records;
    if (!std::filesystem::exists(state)) return records;
    Database db(state, true);
    {
        auto has_audit = db.prepare(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'");
        if (!has_audit.step() || has_audit.integer(0) == 0) return records; // an older state
    }
    auto query = db.prepare(std::string("SELECT id, at, COALESCE(run_id, 0), target, source_key, "
                                        "operation, attributes, status, error, reason FROM audit "
                                        "WHERE source_key = ? ") +
                            (case_sensitive ? "" : "COLLATE NOCASE ") + "ORDER BY id");
    query.bind(1, trimmed_key(key));
    while (query.step()) {
        AuditRecord record;
        record.id = query.integer(0);
        record.at = query.text(1);
        record.entry.run_id = query.integer(2);
        record.entry.target = query.text(3);
        record.entry.key = query.text(4);
        record.entry.operation = query.text(5);
        record.entry.attributes = nlohmann::json::parse(query.view(6), nullptr, false);
        record.entry.status = query.text(7);
        record.entry.error = query.text(8);
        record.entry.reason = query.text(9);
        records.push_back(std::move(record));
    }
    return records;
}

bool is_sensitive(const std::string& path, const std::vector<std::string>& sensitive) {
    for (const auto& name : sensitive) {
        if (!path.starts_with(name)) continue;
        if (path.size() == name.size() || path[name.size()] == '.' || path[name.size()] == '[' ||
            path[name.size()] == ':')
            return true;
    }
    return false;
}

} // namespace hr2scim::state
