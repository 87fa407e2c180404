#include "state/migrations.hpp"

#include "state/body_hash.hpp"

#include <array>
#include <string_view>

namespace hr2scim::state {
namespace {

// Never edit a released migration; add the next one.
constexpr std::array<std::string_view, k_schema_version> k_migrations = {
    R"sql(
CREATE TABLE resources (
    target      TEXT NOT NULL,
    source_key  TEXT NOT NULL,
    scim_id     TEXT,
    status      TEXT NOT NULL CHECK (status IN ('pending_create', 'active', 'deactivated')),
    body        TEXT NOT NULL,
    body_hash   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (target, source_key)
);
CREATE INDEX resources_by_scim_id ON resources (target, scim_id);
CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    target       TEXT NOT NULL,
    command      TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    exit_code    INTEGER,
    source_complete INTEGER,
    records      INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    deactivated  INTEGER NOT NULL DEFAULT 0,
    reactivated  INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    withheld     INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 2: the record count of each source's last complete read, for the shrink guard.
    R"sql(
CREATE TABLE source_reads (
    source      TEXT PRIMARY KEY,
    records     INTEGER NOT NULL,
    read_at     TEXT NOT NULL
);
)sql",
    // 3: when hr2scim deactivated each user, for the grace period before DELETE.
    R"sql(
ALTER TABLE resources ADD COLUMN deactivated_at TEXT;
UPDATE resources SET deactivated_at = updated_at WHERE status = 'deactivated';
)sql",
    // 4: what each target said about itself when last asked (its dialect, the attributes it
    // has), so that planning leaves out what it lacks without asking it again.
    R"sql(
CREATE TABLE targets (
    target          TEXT PRIMARY KEY,
    capabilities    TEXT NOT NULL,
    discovered_at   TEXT NOT NULL
);
)sql",
    // 5: the version (ETag) of each user as the target last answered, for If-Match.
    R"sql(
ALTER TABLE resources ADD COLUMN version TEXT;
)sql",
    // 6: the groups hr2scim sent each target, and the members it added to them.
    R"sql(
CREATE TABLE groups (
    target        TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    scim_id       TEXT,
    display_name  TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    extension     TEXT NOT NULL,
    created_by_hr2scim INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (target, group_key)
);
CREATE TABLE group_members (
    target      TEXT NOT NULL,
    group_key   TEXT NOT NULL,
    member_key  TEXT NOT NULL,
    member_id   TEXT NOT NULL,
    pending     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (target, group_key, member_key)
);
)sql",
    // 7: the audit trail: every operation hr2scim sent or held back, and every record it
    // rejected, with when, which run, what changed and why (pruned after audit.keep_days);
    // and each run's operations by kind and outcome ({"update": {"done": 3, "refused": 1}}).
    R"sql(
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    run_id      INTEGER,
    target      TEXT NOT NULL,
    source_key  TEXT NOT NULL,
    operation   TEXT NOT NULL,
    attributes  TEXT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_key ON audit (source_key COLLATE NOCASE, id);
CREATE INDEX audit_by_time ON audit (at);
ALTER TABLE runs ADD COLUMN outcomes TEXT;
)sql",
    // 8: who was absent from the last complete reads, per target: a person is deactivated for
    // absence only once it is confirmed (safety.confirm_absence). Written only by a sync whose
    // read was complete.
    R"sql(
CREATE TABLE absences (
    target         TEXT NOT NULL,
    source_key     TEXT NOT NULL,
    first_absent   TEXT NOT NULL,
    reads          INTEGER NOT NULL,
    PRIMARY KEY (target, source_key)
);
)sql",
    // 9: the requests each run sent to its target (retries included), writes among them: a
    // vendor's daily cap (target.budget.writes_per_day, requests_per_day) spans runs. NULL for
    // runs before it, and for runs that never closed.
    R"sql(
ALTER TABLE runs ADD COLUMN requests_sent INTEGER;
ALTER TABLE runs ADD COLUMN writes_sent INTEGER;
)sql",
    // 10: the state's fingerprint of a body is XXH3 64 (it was FNV-1a 64): each row's is taken
    // again from the body text it was taken from, so what was unchanged stays unchanged at a
    // glance. hr2scim_fingerprint is state::fingerprint, defined on the connection by migrate().
    R"sql(
UPDATE resources SET body_hash = hr2scim_fingerprint(body);
)sql",
    // 11: a run that was asked to stop (SIGTERM, a restart of the service) before it sent
    // everything is interrupted, not failed; what it did not send is counted apart.
    R"sql(
ALTER TABLE runs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN not_sent INTEGER NOT NULL DEFAULT 0;
)sql",
    // 12: uploads a target took without saying what became of them (entra_inbound answers 202
    // and processes later), until its provisioning log says (state/pending_upload.hpp).
    R"sql(
CREATE TABLE uploads (
    target      TEXT NOT NULL,
    source_key  TEXT NOT NULL,
    external_id TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT,
    PRIMARY KEY (target, source_key)
);
)sql",
};

int current_version(Database& db) {
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    auto query = db.prepare("SELECT version FROM schema_version");
    return query.step() ? static_cast<int>(query.integer(0)) : 0;
}

} // namespace

void migrate(Database& db) {
    db.define_function("hr2scim_fingerprint", fingerprint);
    Transaction transaction(db);
    int version = current_version(db);
    if (version > k_schema_version)
        throw StateError("the state file has schema version " + std::to_string(version) +
                         ", newer than this hr2scim understands (" +
                         std::to_string(k_schema_version) + "); upgrade hr2scim");
    for (int next = version; next < k_schema_version; ++next)
        db.execute(k_migrations[static_cast<size_t>(next)]);
    if (version != k_schema_version) {
        db.execute("DELETE FROM schema_version");
        db.prepare("INSERT INTO schema_version (version) VALUES (?)")
            .bind(1, std::int64_t{k_schema_version})
            .run();
    }
    transaction.commit();
}

} // namespace hr2scim::state
