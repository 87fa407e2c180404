#pragma once
// The local state: per target, which SCIM id each source key has and what was last sent;
// and a row per run. One SQLite file (WAL), mode 0600.

#include "state/audit.hpp"
#include "state/pending_upload.hpp"
#include "state/plan.hpp"
#include "state/run_requests.hpp"
#include "state/sqlite.hpp"
#include "state/stored_group.hpp"
#include "state/stored_resource.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hr2scim::state {

struct RunCounts {
    size_t records = 0;
    size_t created = 0;
    size_t updated = 0;
    size_t deactivated = 0;
    size_t reactivated = 0;
    size_t unchanged = 0;
    size_t rejected = 0;
    size_t failed = 0;
    size_t withheld = 0;
    bool source_complete = true;
    // Requests sent to the target, retries included, and the writes among them (daily caps).
    size_t requests_sent = 0;
    size_t writes_sent = 0;
    // Operations not sent because the run was asked to stop (not in `failed`).
    size_t not_sent = 0;
};

struct RunRow {
    std::int64_t id = 0;
    std::string command;
    int exit_code = 0;
    RunCounts counts;
};

// What planning needs from the state: the resources of one target, and each source's
// record count at its last complete read.
struct StateSnapshot {
    std::vector<StoredResource> resources;
    std::map<std::string, size_t, std::less<>> complete_reads;
    // What the target said about itself when last asked (scim::Capabilities as JSON).
    std::optional<nlohmann::json> target_capabilities;
    std::vector<StoredGroup> groups; // in key order, with their members
    // Who was absent from the last complete reads, by the state's key (schema 8).
    std::map<std::string, AbsenceMark, std::less<>> absences;
    // Uploads the target has not confirmed yet, or that failed (schema 12), in key order.
    std::vector<PendingUpload> uploads;

    [[nodiscard]] std::optional<size_t> last_complete_read(const std::string& source) const;
};

class StateStore {
  public:
    explicit StateStore(const std::filesystem::path& path);

    // What a state file holds, read without creating, migrating or writing anything (`plan`,
    // `explain`, `validate`). A missing file holds nothing; an older schema is read as it is.
    // Without bodies, each resource has only its body_hash (has_body false); fill_bodies and
    // read_bodies read those that planning needs.
    [[nodiscard]] static StateSnapshot read_snapshot(const std::filesystem::path& path,
                                                     const std::string& target, bool bodies = true);
    [[nodiscard]] StateSnapshot snapshot(const std::string& target, bool bodies = true);
    void fill_bodies(const std::string& target, std::vector<StoredResource>& resources,
                     const std::vector<size_t>& which);
    static void read_bodies(const std::filesystem::path& path, const std::string& target,
                            std::vector<StoredResource>& resources,
                            const std::vector<size_t>& which);

    // Of `keys`, those whose user this target deleted (the audit trail remembers it for
    // audit.keep_days; the state forgot the key), as identity keys. Read without writing.
    [[nodiscard]] static std::set<std::string> deleted_keys(const std::filesystem::path& path,
                                                            const std::string& target,
                                                            const std::vector<std::string>& keys,
                                                            bool case_sensitive);

    [[nodiscard]] std::vector<StoredResource> load(const std::string& target);
    [[nodiscard]] std::optional<StoredResource> find(const std::string& target,
                                                     const std::string& key);
    // Journaled before the POST is sent: an answer lost after the server committed must not
    // become a second user.
    void journal_create(const std::string& target, const std::string& key,
                        const nlohmann::json& body);
    void save(const std::string& target, const StoredResource& resource);
    void forget(const std::string& target, const std::string& key);
    // Runs `writes` (saves, forgets) in one transaction: all of them land, or none.
    template <typename Writes> void write_batch(Writes&& writes) {
        Transaction transaction(m_db);
        writes(*this);
        transaction.commit();
    }
    // The account of `old_key` becomes `new_key`'s, in one transaction: the old key's mapping is
    // retired, so nothing done for it can touch the account again. False when old_key has none.
    bool hand_over(const std::string& target, const std::string& old_key,
                   const std::string& new_key);

    // The record count of the source's last complete read, for the shrink guard.
    [[nodiscard]] std::optional<size_t> last_complete_read(const std::string& source);
    void record_complete_read(const std::string& source, size_t records);

    // Who is absent from this complete read, as the planner counted them: every earlier mark
    // of the target is replaced (someone back is unmarked).
    void record_absences(const std::string& target, const std::vector<Absence>& absences);

    void remember_capabilities(const std::string& target, const nlohmann::json& capabilities);

    // Uploads (state/upload_store.cpp). An upload the target took: awaiting its log. `repeat`:
    // the same values sent again after a failure (one more attempt); otherwise the first.
    void record_upload(const std::string& target, const std::string& key,
                       const std::string& external_id, std::chrono::sys_seconds at,
                       std::string_view kind, bool repeat);
    // The log says it was applied: the upload goes.
    void confirm_upload(const std::string& target, const std::string& key);
    // The log says it failed, or never showed it (upload.status failed or given_up, with the
    // reason). Failed: what the target holds is not known, so the user's stored body is cleared
    // (its status put back before a deactivation or reactivation) and the next plan sends the
    // whole user again. Given up: the body stays as sent, and nothing is sent again until the
    // record changes.
    void fail_upload(const std::string& target, const PendingUpload& upload);
    [[nodiscard]] std::vector<PendingUpload> uploads(const std::string& target);
    // Whether any of `ids` is the SCIM id of an account the state holds for the target.
    [[nodiscard]] bool holds_any_account(const std::string& target,
                                         const std::vector<std::string>& ids);

    // Groups (state/group_store.cpp). A create is journaled before its POST, without an id; a
    // group's members are recorded chunk by chunk, as the target accepts them.
    void journal_group_create(const std::string& target, const StoredGroup& group);
    void save_group(const std::string& target, const StoredGroup& group); // without members
    // `pending`: journaled before the PATCH; saved again without it once the target accepted.
    void add_group_members(const std::string& target, const std::string& group_key,
                           const std::vector<std::string>& keys,
                           const std::vector<std::string>& ids, bool pending = false);
    void remove_group_members(const std::string& target, const std::string& group_key,
                              const std::vector<std::string>& keys);
    void forget_group(const std::string& target, const std::string& group_key);

    // The last run that read the target back (command "sync --reconcile", or "run --reconcile"
    // in the service loop), and how many syncs and cycles ran since; nothing when there was none.
    struct LastReconcile {
        std::optional<std::chrono::sys_seconds> started_at;
        size_t syncs_since = 0;
    };
    [[nodiscard]] std::optional<LastReconcile> last_reconcile(const std::string& target);

    // The audit trail (state/audit.cpp). `unless_repeated`: not when the key's last entry on
    // the target says the same (a record rejected, or a deactivation withheld, run after run).
    void append_audit(const AuditEntry& entry, bool unless_repeated = false);
    // Deletes entries older than `keep`; how many.
    size_t prune_audit(std::chrono::days keep);

    [[nodiscard]] std::int64_t begin_run(const std::string& target, const std::string& command);
    // `interrupted`: the run was asked to stop before it sent everything.
    void finish_run(std::int64_t run_id, const RunCounts& counts, int exit_code,
                    bool interrupted = false);
    // A finished run's exit code, made worse by what closing it found (a file not written).
    void amend_exit_code(std::int64_t run_id, int exit_code);
    // The run's operations by kind and outcome: {"create": {"done": 10, "refused": 1}}.
    void record_run_outcomes(std::int64_t run_id, const nlohmann::json& outcomes);
    [[nodiscard]] std::vector<RunRow> recent_runs(const std::string& target, int limit);
    // What the target's runs sent, for its daily caps (state/run_requests.hpp).
    [[nodiscard]] std::vector<RunRequests> runs_sending_since(const std::string& target,
                                                              std::chrono::sys_seconds since);

  private:
    std::filesystem::path m_path; // for a second connection that reads half a large state
    Database m_db;
    std::unique_ptr<Statement> m_save;  // prepared once: a sync saves a row per outcome
    std::unique_ptr<Statement> m_audit; // and appends an audit entry per outcome
};

} // namespace hr2scim::state
