#include "state/body_hash.hpp"
#include "state/migrations.hpp"
#include "state/state_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

TEST(StateStore, CreatesAPrivateFileInWalMode) {
    testing::TempDir dir;
    auto file = dir.path() / "sub" / "state.db";
    // A missing folder is never made: a mistyped `state:` is not a fresh start.
    try {
        StateStore store(file);
        FAIL() << "a state was created in a folder that did not exist";
    } catch (const StateError& error) {
        EXPECT_NE(
            std::string(error.what())
                .find("the state's folder " + file.parent_path().string() + " does not exist"),
            std::string::npos)
            << error.what();
    }
    EXPECT_FALSE(std::filesystem::exists(file.parent_path()));
    std::filesystem::create_directory(file.parent_path());
    { StateStore store(file); }
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    Database db(file);
    auto mode = db.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.text(0), "wal");
    auto version = db.prepare("SELECT version FROM schema_version");
    ASSERT_TRUE(version.step());
    EXPECT_EQ(version.integer(0), k_schema_version);
}

// A large state is read in two halves at once (state_store.cpp): every row once, in key order,
// whichever way it is read, with another target's rows beside it.
TEST(StateStore, ALargeStateReadInHalvesHasEveryRowOnceInKeyOrder) {
    testing::TempDir dir;
    const auto file = dir.path() / "state.db";
    const size_t rows = 25001; // odd, and past the 20,000 from which it is read in halves
    {
        StateStore store(file);
        store.write_batch([&](StateStore& batch) {
            for (size_t i = 0; i < rows; ++i) {
                // Mixed case and widths: the halves split where SQLite's order does.
                const std::string key = (i % 3 ? "e" : "E") + std::to_string(i * 7919 % 100003);
                batch.save(
                    "okta",
                    {key, "id-" + key, ResourceStatus::active, {{"userName", key}}, std::nullopt});
                if (i % 5 == 0)
                    batch.save("other",
                               {key, "x", ResourceStatus::active, json::object(), std::nullopt});
            }
        });
    }
    auto check = [&](const std::vector<StoredResource>& read, bool bodies) {
        ASSERT_EQ(read.size(), rows);
        for (size_t i = 0; i < read.size(); ++i) {
            if (i > 0) {
                ASSERT_LT(read[i - 1].key, read[i].key) << "at " << i;
            }
            EXPECT_EQ(read[i].scim_id, "id-" + read[i].key);
            EXPECT_EQ(read[i].has_body, bodies);
            EXPECT_EQ(read[i].body_hash, fingerprint_value(json{{"userName", read[i].key}}.dump()));
        }
    };
    check(StateStore::read_snapshot(file, "okta", false).resources, false); // plan
    StateStore store(file);
    check(store.snapshot("okta", false).resources, false); // sync, at a glance
    check(store.snapshot("okta", true).resources, true);
    EXPECT_EQ(store.snapshot("other", false).resources.size(), (rows + 4) / 5);

    // 3,001 bodies by key, past the 2,000 from which they are read in halves: each its own.
    auto without_bodies = StateStore::read_snapshot(file, "okta", false).resources;
    std::vector<size_t> which;
    for (size_t i = 0; i < rows; i += 8)
        which.push_back(i);
    ASSERT_GT(which.size(), 3000U);
    StateStore::read_bodies(file, "okta", without_bodies, which);
    for (size_t i = 0; i < rows; ++i) {
        const bool wanted = i % 8 == 0;
        ASSERT_EQ(without_bodies[i].has_body, wanted) << "at " << i;
        if (wanted) {
            EXPECT_EQ(without_bodies[i].body, (json{{"userName", without_bodies[i].key}}));
        }
    }
}

TEST(StateStore, SavesAndLoadsPerTarget) {
    testing::TempDir dir;
    StateStore store(dir.path() / "state.db");
    store.journal_create("okta", "E1", {{"userName", "a"}});
    store.save("okta",
               {"E2", "id-2", ResourceStatus::deactivated, {{"userName", "b"}}, std::nullopt});
    store.save("other", {"E1", "id-x", ResourceStatus::active, json::object(), std::nullopt});

    auto loaded = store.load("okta");
    ASSERT_EQ(loaded.size(), 2U);
    std::ranges::sort(loaded, {}, &StoredResource::key);
    EXPECT_EQ(loaded[0].status, ResourceStatus::pending_create);
    EXPECT_TRUE(loaded[0].scim_id.empty());
    EXPECT_EQ(loaded[1].scim_id, "id-2");
    EXPECT_EQ(loaded[1].status, ResourceStatus::deactivated);
    EXPECT_EQ(loaded[1].body["userName"], "b");

    store.save("okta", {"E1", "id-1", ResourceStatus::active, {{"userName", "a2"}}, std::nullopt});
    store.forget("okta", "E2");
    loaded = store.load("okta");
    ASSERT_EQ(loaded.size(), 1U);
    EXPECT_EQ(loaded[0].scim_id, "id-1");
    EXPECT_EQ(loaded[0].body["userName"], "a2");
}

TEST(StateStore, SurvivesReopeningAndRecordsRuns) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    {
        StateStore store(file);
        auto run = store.begin_run("t", "sync");
        store.save("t", {"E1", "id-1", ResourceStatus::active, json::object(), std::nullopt});
        store.finish_run(run, {5, 1, 2, 0, 0, 2, 1, 0, 0, true}, 2);
    }
    StateStore reopened(file);
    EXPECT_EQ(reopened.load("t").size(), 1U);
    auto runs = reopened.recent_runs("t", 5);
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0].exit_code, 2);
    EXPECT_EQ(runs[0].counts.records, 5U);
    EXPECT_EQ(runs[0].counts.updated, 2U);
    EXPECT_EQ(runs[0].counts.rejected, 1U);
}

// The daily caps count what the runs of the last 24 hours sent, closed runs only, per target.
TEST(StateStore, RecordsWhatEachRunSentForTheDailyCaps) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    {
        StateStore store(file);
        RunCounts sent;
        sent.requests_sent = 30;
        sent.writes_sent = 12;
        store.finish_run(store.begin_run("t", "sync"), sent, 0);
        (void)store.begin_run("t", "sync"); // never closed: its counts are not known
        sent.requests_sent = 7;
        store.finish_run(store.begin_run("other", "sync"), sent, 0);
    }
    StateStore reopened(file);
    auto runs = reopened.runs_sending_since("t", now - std::chrono::hours(24));
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0].requests, 30U);
    EXPECT_EQ(runs[0].writes, 12U);
    EXPECT_GE(runs[0].finished, now - std::chrono::minutes(1));
    EXPECT_EQ(runs_sending_since(file, "t", now - std::chrono::hours(24)).size(), 1U)
        << "read-only, as plan reads it";
    EXPECT_TRUE(reopened.runs_sending_since("t", now + std::chrono::hours(1)).empty());
}

TEST(StateStore, MigratesAVersionOneFileKeepingItsRows) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    {
        StateStore old(file);
        old.save("t", {"E1", "id-1", ResourceStatus::active, json::object(), std::nullopt});
        old.save("t", {"E2", "id-2", ResourceStatus::deactivated, json::object(), std::nullopt});
    }
    {
        Database db(file); // as hr2scim 0.1 left it: schema 1, no source_reads, no deactivated_at
        db.execute(
            "ALTER TABLE resources DROP COLUMN deactivated_at; DROP TABLE source_reads; "
            "DROP TABLE targets; ALTER TABLE resources DROP COLUMN version; "
            "DROP TABLE groups; DROP TABLE group_members; DROP TABLE audit; "
            "ALTER TABLE runs DROP COLUMN outcomes; DROP TABLE absences; DROP TABLE uploads; "
            "ALTER TABLE runs DROP COLUMN requests_sent; "
            "ALTER TABLE runs DROP COLUMN writes_sent; "
            "ALTER TABLE runs DROP COLUMN interrupted; ALTER TABLE runs DROP COLUMN "
            "not_sent; UPDATE schema_version SET version = 1");
    }
    StateStore store(file);
    auto rows = store.load("t");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].deactivated_at, std::nullopt);
    EXPECT_NE(rows[1].deactivated_at,
              std::nullopt); // dated from its last update: the grace counts from there
    EXPECT_EQ(store.last_complete_read("csv:hr.csv"), std::nullopt);
    store.record_complete_read("csv:hr.csv", 42);
    store.record_complete_read("csv:hr.csv", 41);
    EXPECT_EQ(store.last_complete_read("csv:hr.csv"), 41U);
    EXPECT_FALSE(store.snapshot("t").target_capabilities.has_value());
    EXPECT_TRUE(store.snapshot("t").groups.empty()); // migration 6 added the groups' tables
    store.append_audit({.run_id = 1,
                        .target = "t",
                        .key = "E1",
                        .operation = "update",
                        .status = "done"});            // migration 7 added the audit trail
    EXPECT_TRUE(store.snapshot("t").absences.empty()); // migration 8 added absences
    store.remember_capabilities("t", {{"patch", false}});
    EXPECT_EQ(store.snapshot("t").target_capabilities, json({{"patch", false}}));
    EXPECT_FALSE(store.snapshot("other").target_capabilities.has_value());
}

TEST(StateStore, RefusesAFileFromANewerVersion) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    { StateStore store(file); }
    {
        Database db(file);
        db.execute("UPDATE schema_version SET version = 99");
    }
    try {
        StateStore store(file);
        FAIL() << "expected a StateError";
    } catch (const StateError& error) {
        EXPECT_STREQ(
            error.what(),
            "the state file has schema version 99, newer than this hr2scim understands (12); "
            "upgrade hr2scim");
    }
}

TEST(StateStore, ADamagedRowIsAnErrorNotAnEmptyState) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    {
        StateStore(file).save("t",
                              {"E1", "id", ResourceStatus::active, json::object(), std::nullopt});
    }
    { Database(file).execute("UPDATE resources SET body = '{not json'"); }
    StateStore store(file);
    EXPECT_THROW((void)store.load("t"), StateError);
}

} // namespace
} // namespace hr2scim::state

namespace hr2scim::state {
namespace {

TEST(StateSnapshot, AMissingFileIsAnEmptyStateAndNothingIsCreated) {
    testing::TempDir dir;
    auto snapshot = StateStore::read_snapshot(dir.path() / "var" / "state.db", "t");
    EXPECT_TRUE(snapshot.resources.empty());
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "var"));
}

TEST(StateSnapshot, ReadsAnOlderSchemaWithoutMigratingIt) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    {
        Database db(file);
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO "
                   "schema_version VALUES (1);"
                   "CREATE TABLE resources (target TEXT, source_key TEXT, scim_id TEXT, status "
                   "TEXT, body TEXT, "
                   "body_hash TEXT, created_at TEXT, updated_at TEXT);"
                   "INSERT INTO resources VALUES ('t', 'E1', 'id-1', 'deactivated', "
                   "'{\"userName\":\"a\"}', 'h', "
                   "'2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z');");
    }
    auto snapshot = StateStore::read_snapshot(file, "t");
    ASSERT_EQ(snapshot.resources.size(), 1U);
    EXPECT_EQ(snapshot.resources[0].scim_id, "id-1");
    ASSERT_TRUE(snapshot.resources[0].deactivated_at.has_value())
        << "dated from its last update, as migration 3 does";
    EXPECT_TRUE(snapshot.complete_reads.empty());
    EXPECT_EQ(snapshot.resources[0].body_hash, fingerprint_value(R"({"userName":"a"})"))
        << "taken again from the body, as migration 10 does";
    Database db(file, true);
    auto version = db.prepare("SELECT version FROM schema_version");
    ASSERT_TRUE(version.step());
    EXPECT_EQ(version.integer(0), 1) << "not migrated";
}

TEST(StateSnapshot, RefusesANewerSchema) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    {
        Database db(file);
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO "
                   "schema_version VALUES (99);");
    }
    EXPECT_THROW((void)StateStore::read_snapshot(file, "t"), StateError);
}

} // namespace
} // namespace hr2scim::state

namespace hr2scim::state {
namespace {

TEST(StateStore, KeepsGroupsAndTheirMembersAsTheTargetAcceptedThem) {
    testing::TempDir dir;
    auto file = dir.path() / "state.db";
    StateStore store(file);
    StoredGroup group{"dept-10", "g-1", "Finance", "dept-10", {{"urn:x:Group", {{"cc", "1"}}}},
                      {},        {},    {},        true};
    store.journal_group_create("t", group);
    auto journaled = store.snapshot("t").groups;
    ASSERT_EQ(journaled.size(), 1U);
    EXPECT_EQ(journaled[0].scim_id, "") << "journaled: no id until the target answers";
    store.save_group("t", group);
    store.add_group_members("t", "dept-10", {"E1", "E2"}, {"u1", "u2"});
    store.add_group_members("t", "dept-10", {"E3"}, {"u3"}, true); // sent, not yet answered
    auto read = StateStore::read_snapshot(file, "t").groups;
    ASSERT_EQ(read.size(), 1U);
    EXPECT_EQ(read[0].scim_id, "g-1");
    EXPECT_EQ(read[0].extension["urn:x:Group"]["cc"], "1");
    EXPECT_EQ(read[0].members, (std::vector<std::string>{"E1", "E2"}));
    EXPECT_EQ(read[0].member_ids, (std::vector<std::string>{"u1", "u2"}));
    EXPECT_EQ(read[0].pending_members, std::vector<std::string>{"E3"});
    store.add_group_members("t", "dept-10", {"E3"}, {"u3"}); // answered
    store.remove_group_members("t", "dept-10", {"E1"});
    EXPECT_EQ(store.snapshot("t").groups[0].members, (std::vector<std::string>{"E2", "E3"}));
    EXPECT_TRUE(store.snapshot("other").groups.empty()) << "groups are per target";
    store.forget_group("t", "dept-10");
    EXPECT_TRUE(store.snapshot("t").groups.empty());
}

} // namespace
} // namespace hr2scim::state

namespace hr2scim::state {
namespace {

TEST(StateStore, RemembersWhoWasAbsentPerTargetAndReplacesTheMarksEachRun) {
    testing::TempDir dir;
    StateStore store(dir.path() / "state.db");
    const auto day = std::chrono::sys_days(std::chrono::year(2026) / 12 / 6);
    const std::chrono::sys_seconds first{day.time_since_epoch()};
    store.record_absences("t", {{"E1", first, 1, false, {}}, {"E2", first, 2, true, {}}});
    store.record_absences("other", {{"E9", first, 1, false, {}}});
    auto marks = store.snapshot("t").absences;
    ASSERT_EQ(marks.size(), 2U);
    EXPECT_EQ(marks["E1"].first_absent, first);
    EXPECT_EQ(marks["E1"].reads, 1U);
    EXPECT_EQ(marks["E2"].reads, 2U);
    // The next complete read: E1 is back, E2 still absent.
    store.record_absences("t", {{"E2", first, 3, true, {}}});
    marks = StateStore::read_snapshot(dir.path() / "state.db", "t").absences;
    ASSERT_EQ(marks.size(), 1U);
    EXPECT_EQ(marks["E2"].reads, 3U);
    EXPECT_EQ(store.snapshot("other").absences.size(), 1U) << "each target its own";
}

TEST(StateStore, KnowsWhichKeysATargetDeletedFromTheAuditTrail) {
    testing::TempDir dir;
    const auto file = dir.path() / "state.db";
    EXPECT_TRUE(StateStore::deleted_keys(file, "t", {"E1"}, false).empty()) << "no file yet";
    {
        StateStore store(file);
        store.append_audit({.target = "t", .key = "E1", .operation = "delete", .status = "done"});
        store.append_audit(
            {.target = "t", .key = "E2", .operation = "delete", .status = "refused"});
        store.append_audit(
            {.target = "t", .key = "E3", .operation = "deactivate", .status = "done"});
        store.append_audit({.target = "u", .key = "E4", .operation = "delete", .status = "done"});
    }
    EXPECT_EQ(StateStore::deleted_keys(file, "t", {"e1 ", "E2", "E3", "E4", "E5"}, false),
              (std::set<std::string>{"e1"}));
    EXPECT_TRUE(StateStore::deleted_keys(file, "t", {"e1"}, true).empty()) << "case-sensitive";
}

} // namespace
} // namespace hr2scim::state
