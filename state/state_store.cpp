#include "state/state_store.hpp"

#include "state/body_hash.hpp"
#include "state/group_store.hpp"
#include "state/migrations.hpp"
#include "state/source_key.hpp"
#include "state/timestamp.hpp"
#include "state/upload_store.hpp"

#include <exception>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace hr2scim::state {
namespace {

std::int64_t as_integer(size_t value) {
    return static_cast<std::int64_t>(value);
}

// Schema 3 added deactivated_at; an older file (read without migrating it) dates a
// deactivation from the row's last update, as migration 3 does. Before schema 10 body_hash
// was FNV-1a: each row's fingerprint is taken again from its body, as migration 10 does, so
// that plan finds an unchanged person unchanged at a glance, and a plan file made from the
// old file still applies once sync or apply has migrated it.
// What a row query needs from the file's schema.
struct RowShape {
    int version = k_schema_version;
    bool bodies = true;
};

// The rows of one target in key order: one key, or those from `from` (inclusive) up to `to`
// (exclusive), either left open by null.
void read_rows(Database& db, const std::string& target, RowShape shape, const std::string* only_key,
               const std::string* from, const std::string* to,
               std::vector<StoredResource>& resources) {
    const bool old_hash = shape.version < 10;
    const std::string deactivated_at =
        shape.version >= 3 ? "COALESCE(deactivated_at, '')"
                           : "CASE WHEN status = 'deactivated' THEN updated_at ELSE '' END";
    const std::string stored_version = shape.version >= 5 ? "COALESCE(version, '')" : "''";
    auto query =
        db.prepare("SELECT source_key, COALESCE(scim_id, ''), status, " +
                   std::string(shape.bodies || old_hash ? "body" : "NULL") + ", " + deactivated_at +
                   ", " + stored_version + ", body_hash FROM resources WHERE target = ?1" +
                   std::string(only_key ? " AND source_key = ?2" : "") +
                   std::string(from ? " AND source_key >= ?3" : "") +
                   std::string(to ? " AND source_key < ?4" : "") + " ORDER BY source_key");
    query.bind(1, target);
    if (only_key) query.bind(2, *only_key);
    if (from) query.bind(3, *from);
    if (to) query.bind(4, *to);
    while (query.step()) {
        auto status = resource_status_from(query.view(2));
        auto body =
            shape.bodies ? nlohmann::json::parse(query.text(3), nullptr, false) : nlohmann::json();
        if (!status || body.is_discarded())
            throw StateError("the state row for key '" + query.text(0) + "' is damaged");
        resources.push_back(
            {query.text(0), query.text(1), *status, std::move(body), from_timestamp(query.view(4)),
             query.text(5),
             old_hash ? fingerprint_value(query.view(3)) : fingerprint_from_text(query.view(6)),
             shape.bodies});
    }
}

// From this many rows on, a state whose file can be opened again is read in two halves at once.
constexpr size_t k_rows_read_in_halves = 20000;

// Every row of a target (or one key's), in key order. With `path`, a large state is read in
// two halves at once, the upper one by a second read-only connection to the same file (both
// see the same file: plan holds the run lock shared, sync exclusively, and `db` has no write
// pending): 0.66 -> ~0.4 s for a million rows on two cores.
std::vector<StoredResource> load_resources(Database& db, const std::string& target,
                                           const std::string* only_key = nullptr,
                                           RowShape shape = {},
                                           const std::filesystem::path* path = nullptr) {
    std::vector<StoredResource> resources;
    if (only_key) {
        read_rows(db, target, shape, only_key, nullptr, nullptr, resources);
        return resources;
    }
    // Counted first (from an index, ~30 ms for a million): a vector grown by doubling moved
    // its rows twice over and held one and a half times their room while it grew.
    auto count = db.prepare("SELECT count(*) FROM resources WHERE target = ?");
    count.bind(1, target);
    const size_t rows = count.step() ? static_cast<size_t>(count.integer(0)) : 0;
    resources.reserve(rows);
    if (!path || rows < k_rows_read_in_halves || db.in_transaction()) {
        read_rows(db, target, shape, nullptr, nullptr, nullptr, resources);
        resources.shrink_to_fit(); // should rows have gone since the count
        return resources;
    }
    auto middle_query = db.prepare(
        "SELECT source_key FROM resources WHERE target = ? ORDER BY source_key LIMIT 1 OFFSET ?");
    middle_query.bind(1, target);
    middle_query.bind(2, static_cast<std::int64_t>(rows / 2));
    if (!middle_query.step()) throw StateError("the state's rows changed while it was read");
    const std::string middle = middle_query.text(0);
    std::vector<StoredResource> upper;
    std::exception_ptr upper_failed;
    std::thread upper_reader([&] {
        try {
            Database second(*path, true);
            upper.reserve(rows - rows / 2);
            read_rows(second, target, shape, nullptr, &middle, nullptr, upper);
        } catch (...) {
            upper_failed = std::current_exception();
        }
    });
    try {
        read_rows(db, target, shape, nullptr, nullptr, &middle, resources);
    } catch (...) {
        upper_reader.join();
        throw;
    }
    upper_reader.join();
    if (upper_failed) std::rethrow_exception(upper_failed);
    std::ranges::move(upper, std::back_inserter(resources));
    resources.shrink_to_fit();
    return resources;
}

// The bodies of the resources at `which`, read by key; many are read in one pass instead.
// Few bodies are read by key; more than an eighth of them in one pass over the table.
bool reads_by_key(const std::vector<size_t>& which, const std::vector<StoredResource>& resources) {
    return which.size() <= resources.size() / 8;
}

// From this many bodies read by key on, the second half is read (and parsed) at once by a
// second connection: 10,000 of a million took 0.1 s on one core.
constexpr size_t k_bodies_read_in_halves = 2000;

void fill_bodies(Database& db, const std::string& target, std::vector<StoredResource>& resources,
                 const std::vector<size_t>& which) {
    auto parse = [](StoredResource& resource, std::string_view text) {
        auto body = nlohmann::json::parse(text, nullptr, false);
        if (body.is_discarded())
            throw StateError("the state row for key '" + resource.key + "' is damaged");
        resource.body = std::move(body);
        resource.has_body = true;
    };
    if (!reads_by_key(which, resources)) {
        std::unordered_map<std::string_view, StoredResource*> wanted;
        for (auto index : which)
            wanted.emplace(resources[index].key, &resources[index]);
        auto query = db.prepare("SELECT source_key, body FROM resources WHERE target = ?");
        query.bind(1, target);
        while (query.step())
            if (auto found = wanted.find(query.view(0)); found != wanted.end())
                parse(*found->second, query.view(1));
    } else {
        auto query = db.prepare("SELECT body FROM resources WHERE target = ? AND source_key = ?");
        for (auto index : which) {
            query.reset();
            query.bind(1, target).bind(2, resources[index].key);
            if (query.step()) parse(resources[index], query.view(0));
        }
    }
    for (auto index : which)
        if (!resources[index].has_body)
            throw StateError("the state changed while it was read (key '" + resources[index].key +
                             "')");
}
std::optional<nlohmann::json> load_capabilities(Database& db, const std::string& target) {
    auto query = db.prepare("SELECT capabilities FROM targets WHERE target = ?");
    query.bind(1, target);
    if (!query.step()) return std::nullopt;
    auto parsed = nlohmann::json::parse(query.text(0), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt; // asked again
    return parsed;
}

std::map<std::string, size_t, std::less<>> load_complete_reads(Database& db) {
    std::map<std::string, size_t, std::less<>> reads;
    auto query = db.prepare("SELECT source, records FROM source_reads");
    while (query.step())
        reads[query.text(0)] = static_cast<size_t>(query.integer(1));
    return reads;
}

std::map<std::string, AbsenceMark, std::less<>> load_absences(Database& db,
                                                              const std::string& target) {
    std::map<std::string, AbsenceMark, std::less<>> marks;
    auto query =
        db.prepare("SELECT source_key, first_absent, reads FROM absences WHERE target = ?");
    query.bind(1, target);
    while (query.step())
        if (auto first = from_timestamp(query.text(1)))
            marks[query.text(0)] = {*first, static_cast<size_t>(query.integer(2))};
    return marks;
}

} // namespace

std::string_view to_string(ResourceStatus status) {
    switch (status) {
    case ResourceStatus::pending_create:
        return "pending_create";
    case ResourceStatus::active:
        return "active";
    case ResourceStatus::deactivated:
        return "deactivated";
    }
    return "active";
}

std::optional<ResourceStatus> resource_status_from(std::string_view text) {
    for (auto status :
         {ResourceStatus::pending_create, ResourceStatus::active, ResourceStatus::deactivated})
        if (to_string(status) == text) return status;
    return std::nullopt;
}

StateStore::StateStore(const std::filesystem::path& path) : m_path(path), m_db(path) {
    migrate(m_db);
}

std::optional<size_t> StateSnapshot::last_complete_read(const std::string& source) const {
    auto found = complete_reads.find(source);
    if (found == complete_reads.end()) return std::nullopt;
    return found->second;
}

StateSnapshot StateStore::read_snapshot(const std::filesystem::path& path,
                                        const std::string& target, bool bodies) {
    std::error_code error;
    const bool exists = std::filesystem::exists(path, error);
    if (error)
        throw StateError("cannot read the state file " + path.string() + ": " + error.message());
    if (!exists) return {};
    Database db(path, true);
    auto has_version = db.prepare(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
    if (!has_version.step() || has_version.integer(0) == 0) return {}; // created, never written
    auto query = db.prepare("SELECT version FROM schema_version");
    const int version = query.step() ? static_cast<int>(query.integer(0)) : 0;
    if (version > k_schema_version)
        throw StateError("the state file " + path.string() + " has schema version " +
                         std::to_string(version) + ", newer than this hr2scim understands (" +
                         std::to_string(k_schema_version) + "); upgrade hr2scim");
    if (version == 0) return {}; // created, never written
    StateSnapshot snapshot{load_resources(db, target, nullptr, {version, bodies}, &path),
                           {},
                           std::nullopt,
                           {},
                           {},
                           {}};
    if (version >= 2) snapshot.complete_reads = load_complete_reads(db);
    if (version >= 4) snapshot.target_capabilities = load_capabilities(db, target);
    if (version >= 6) snapshot.groups = load_groups(db, target);
    if (version >= 8) snapshot.absences = load_absences(db, target);
    if (version >= 12) snapshot.uploads = load_uploads(db, target);
    return snapshot;
}

StateSnapshot StateStore::snapshot(const std::string& target, bool bodies) {
    return {load_resources(m_db, target, nullptr, {k_schema_version, bodies}, &m_path),
            load_complete_reads(m_db),
            load_capabilities(m_db, target),
            load_groups(m_db, target),
            load_absences(m_db, target),
            load_uploads(m_db, target)};
}

void StateStore::fill_bodies(const std::string& target, std::vector<StoredResource>& resources,
                             const std::vector<size_t>& which) {
    state::fill_bodies(m_db, target, resources, which);
}

void StateStore::read_bodies(const std::filesystem::path& path, const std::string& target,
                             std::vector<StoredResource>& resources,
                             const std::vector<size_t>& which) {
    if (which.empty()) return;
    if (which.size() < k_bodies_read_in_halves || !reads_by_key(which, resources)) {
        Database db(path, true);
        state::fill_bodies(db, target, resources, which);
        return;
    }
    // Each half fills its own rows of `resources`.
    const auto middle = which.begin() + static_cast<std::ptrdiff_t>(which.size() / 2);
    const std::vector<size_t> lower(which.begin(), middle);
    const std::vector<size_t> upper(middle, which.end());
    std::exception_ptr upper_failed;
    std::thread upper_reader([&] {
        try {
            Database second(path, true);
            state::fill_bodies(second, target, resources, upper);
        } catch (...) {
            upper_failed = std::current_exception();
        }
    });
    try {
        Database db(path, true);
        state::fill_bodies(db, target, resources, lower);
    } catch (...) {
        upper_reader.join();
        throw;
    }
    upper_reader.join();
    if (upper_failed) std::rethrow_exception(upper_failed);
}

void StateStore::record_absences(const std::string& target, const std::vector<Absence>& absences) {
    Transaction transaction(m_db);
    m_db.prepare("DELETE FROM absences WHERE target = ?").bind(1, target).run();
    auto insert = m_db.prepare(
        "INSERT INTO absences (target, source_key, first_absent, reads) VALUES (?, ?, ?, ?)");
    for (const auto& absence : absences) {
        insert.reset();
        insert.bind(1, target)
            .bind(2, absence.key)
            .bind(3, to_timestamp(absence.first_absent))
            .bind(4, as_integer(absence.reads))
            .run();
    }
    transaction.commit();
}

void StateStore::remember_capabilities(const std::string& target,
                                       const nlohmann::json& capabilities) {
    m_db.prepare("INSERT INTO targets (target, capabilities, discovered_at) VALUES (?, ?, " +
                 std::string(k_sql_now) +
                 ") ON CONFLICT (target) DO UPDATE SET capabilities = excluded.capabilities, "
                 "discovered_at = excluded.discovered_at")
        .bind(1, target)
        .bind(2, capabilities.dump())
        .run();
}

std::set<std::string> StateStore::deleted_keys(const std::filesystem::path& path,
                                               const std::string& target,
                                               const std::vector<std::string>& keys,
                                               bool case_sensitive) {
    std::set<std::string> deleted;
    std::error_code error;
    if (keys.empty() || !std::filesystem::exists(path, error)) return deleted;
    Database db(path, true);
    auto has_audit =
        db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'");
    if (!has_audit.step() || has_audit.integer(0) == 0) return deleted; // an older state
    auto query = db.prepare(std::string("SELECT 1 FROM audit WHERE source_key = ? ") +
                            (case_sensitive ? "" : "COLLATE NOCASE ") +
                            "AND target = ? AND operation = 'delete' AND status = 'done' LIMIT 1");
    for (const auto& key : keys) {
        query.reset();
        query.bind(1, trimmed_key(key)).bind(2, target);
        if (query.step()) deleted.insert(identity_key(key, case_sensitive));
    }
    return deleted;
}

std::vector<StoredResource> StateStore::load(const std::string& target) {
    return load_resources(m_db, target);
}

std::optional<StoredResource> StateStore::find(const std::string& target, const std::string& key) {
    auto found = load_resources(m_db, target, &key);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

void StateStore::journal_create(const std::string& target, const std::string& key,
                                const nlohmann::json& body) {
    save(target, {key, {}, ResourceStatus::pending_create, body, std::nullopt});
}

void StateStore::save(const std::string& target, const StoredResource& resource) {
    // deactivated_at keeps the first time a user was saved as deactivated, and clears when
    // they are active again.
    if (!m_save)
        m_save = m_db.prepare_kept(
            "INSERT INTO resources (target, source_key, scim_id, status, body, body_hash, "
            "created_at, "
            "updated_at, "
            "deactivated_at, version) VALUES (?, ?, ?, ?, ?, ?, " +
            std::string(k_sql_now) + ", " + std::string(k_sql_now) +
            ", ?, ?) "
            "ON CONFLICT (target, source_key) DO UPDATE SET scim_id = excluded.scim_id, status = "
            "excluded.status, "
            "body = excluded.body, body_hash = excluded.body_hash, updated_at = "
            "excluded.updated_at, "
            "version = excluded.version, "
            "deactivated_at = CASE WHEN excluded.status = 'deactivated' "
            "THEN COALESCE(resources.deactivated_at, excluded.deactivated_at) END");
    auto& statement = *m_save;
    statement.reset();
    statement.bind(1, target).bind(2, resource.key);
    if (resource.scim_id.empty()) {
        statement.bind_null(3);
    } else {
        statement.bind(3, resource.scim_id);
    }
    std::string body = resource.body.dump();
    statement.bind(4, to_string(resource.status)).bind(5, body).bind(6, fingerprint(body));
    if (resource.status == ResourceStatus::deactivated) {
        auto since = resource.deactivated_at.value_or(
            std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
        statement.bind(7, to_timestamp(since));
    } else {
        statement.bind_null(7);
    }
    if (resource.version.empty()) {
        statement.bind_null(8);
    } else {
        statement.bind(8, resource.version);
    }
    statement.run();
}

void StateStore::forget(const std::string& target, const std::string& key) {
    m_db.prepare("DELETE FROM resources WHERE target = ? AND source_key = ?")
        .bind(1, target)
        .bind(2, key)
        .run();
    m_db.prepare("DELETE FROM uploads WHERE target = ? AND source_key = ?")
        .bind(1, target)
        .bind(2, key)
        .run();
}

bool StateStore::hand_over(const std::string& target, const std::string& old_key,
                           const std::string& new_key) {
    Transaction transaction(m_db);
    m_db.prepare("DELETE FROM resources WHERE target = ? AND source_key = ? AND scim_id IS NULL")
        .bind(1, target)
        .bind(2, new_key)
        .run();
    m_db.prepare("UPDATE resources SET source_key = ?, updated_at = " + std::string(k_sql_now) +
                 " WHERE target = ? AND source_key = ? AND scim_id IS NOT NULL")
        .bind(1, new_key)
        .bind(2, target)
        .bind(3, old_key)
        .run();
    if (m_db.changes() != 1) return false;
    m_db.prepare("DELETE FROM uploads WHERE target = ? AND source_key = ?")
        .bind(1, target)
        .bind(2, new_key)
        .run();
    m_db.prepare("UPDATE uploads SET source_key = ? WHERE target = ? AND source_key = ?")
        .bind(1, new_key)
        .bind(2, target)
        .bind(3, old_key)
        .run();
    transaction.commit();
    return true;
}

std::optional<size_t> StateStore::last_complete_read(const std::string& source) {
    auto query = m_db.prepare("SELECT records FROM source_reads WHERE source = ?");
    query.bind(1, source);
    if (!query.step()) return std::nullopt;
    return static_cast<size_t>(query.integer(0));
}

void StateStore::record_complete_read(const std::string& source, size_t records) {
    m_db.prepare("INSERT INTO source_reads (source, records, read_at) VALUES (?, ?, " +
                 std::string(k_sql_now) +
                 ") ON CONFLICT (source) DO UPDATE SET records = excluded.records, read_at = "
                 "excluded.read_at")
        .bind(1, source)
        .bind(2, as_integer(records))
        .run();
}

std::optional<StateStore::LastReconcile> StateStore::last_reconcile(const std::string& target) {
    auto last = m_db.prepare(
        "SELECT id, started_at FROM runs WHERE target = ? "
        "AND command IN ('sync --reconcile', 'run --reconcile') ORDER BY id DESC LIMIT 1");
    last.bind(1, target);
    if (!last.step()) return std::nullopt;
    LastReconcile found{from_timestamp(last.text(1)), 0};
    auto since = m_db.prepare("SELECT count(*) FROM runs WHERE target = ? AND id > ? "
                              "AND (command LIKE 'sync%' OR command LIKE 'run%')");
    since.bind(1, target).bind(2, last.integer(0));
    if (since.step()) found.syncs_since = static_cast<size_t>(since.integer(0));
    return found;
}

std::int64_t StateStore::begin_run(const std::string& target, const std::string& command) {
    m_db.prepare("INSERT INTO runs (target, command, started_at) VALUES (?, ?, " +
                 std::string(k_sql_now) + ")")
        .bind(1, target)
        .bind(2, command)
        .run();
    return m_db.last_insert_id();
}

void StateStore::finish_run(std::int64_t run_id, const RunCounts& counts, int exit_code,
                            bool interrupted) {
    m_db.prepare("UPDATE runs SET finished_at = " + std::string(k_sql_now) +
                 ", exit_code = ?, source_complete = ?, records = ?, created = ?, updated = ?, "
                 "deactivated = ?, reactivated = ?, unchanged = ?, rejected = ?, failed = ?, "
                 "withheld = ?, requests_sent = ?, writes_sent = ?, not_sent = ?, interrupted = ? "
                 "WHERE id = ?")
        .bind(1, std::int64_t{exit_code})
        .bind(2, std::int64_t{counts.source_complete ? 1 : 0})
        .bind(3, as_integer(counts.records))
        .bind(4, as_integer(counts.created))
        .bind(5, as_integer(counts.updated))
        .bind(6, as_integer(counts.deactivated))
        .bind(7, as_integer(counts.reactivated))
        .bind(8, as_integer(counts.unchanged))
        .bind(9, as_integer(counts.rejected))
        .bind(10, as_integer(counts.failed))
        .bind(11, as_integer(counts.withheld))
        .bind(12, as_integer(counts.requests_sent))
        .bind(13, as_integer(counts.writes_sent))
        .bind(14, as_integer(counts.not_sent))
        .bind(15, std::int64_t{interrupted ? 1 : 0})
        .bind(16, run_id)
        .run();
}

void StateStore::amend_exit_code(std::int64_t run_id, int exit_code) {
    m_db.prepare("UPDATE runs SET exit_code = ? WHERE id = ?")
        .bind(1, std::int64_t{exit_code})
        .bind(2, run_id)
        .run();
}

void StateStore::record_run_outcomes(std::int64_t run_id, const nlohmann::json& outcomes) {
    m_db.prepare("UPDATE runs SET outcomes = ? WHERE id = ?")
        .bind(1, outcomes.dump())
        .bind(2, run_id)
        .run();
}

std::vector<RunRow> StateStore::recent_runs(const std::string& target, int limit) {
    auto query = m_db.prepare("SELECT id, command, COALESCE(exit_code, -1), records, created, "
                              "updated, deactivated, reactivated, "
                              "unchanged, rejected, failed, withheld, COALESCE(source_complete, 0) "
                              "FROM runs WHERE target = ? "
                              "ORDER BY id DESC LIMIT ?");
    query.bind(1, target).bind(2, std::int64_t{limit});
    std::vector<RunRow> rows;
    while (query.step()) {
        auto count = [&](int column) { return static_cast<size_t>(query.integer(column)); };
        rows.push_back({query.integer(0),
                        query.text(1),
                        static_cast<int>(query.integer(2)),
                        {count(3), count(4), count(5), count(6), count(7), count(8), count(9),
                         count(10), count(11), query.integer(12) != 0}});
    }
    return rows;
}

std::vector<RunRequests> StateStore::runs_sending_since(const std::string& target,
                                                        std::chrono::sys_seconds since) {
    return state::runs_sending_since(m_db, target, since);
}

} // namespace hr2scim::state
