// Migration 10: the state's fingerprint went from FNV-1a to XXH3. Each stored row's is taken
// again from its body, so that a loaded state stays unchanged at a glance afterwards.
#include "state/body_hash.hpp"
#include "state/migrations.hpp"
#include "state/plan_file.hpp"
#include "state/planner.hpp"
#include "state/state_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

struct Person {
    std::string key;
    json mapped;            // the body the mapping makes
    const char* manager_id; // the manager's SCIM id the state holds, or null
    ResourceStatus status = ResourceStatus::active;
};

json mapped(const std::string& name, const std::string& title) {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
            {"userName", name + "@example.com"},
            {"displayName", name},
            {"title", title},
            {"active", true}};
}

// Non-ASCII text, a manager link, a deactivated user: what the bodies of a real state hold.
std::vector<Person> people() {
    return {{"E1", mapped("Zoë Ångström", "Ingénieure"), nullptr},
            {"E2", mapped("Ada", "Engineer \"II\""), "id-E1"},
            {"E3", mapped("Bob", "Engineer"), nullptr, ResourceStatus::deactivated}};
}

// The body as sent, manager included: what the state saved.
json sent(const Person& person) {
    json body = person.mapped;
    if (person.manager_id) set_manager_id(body, person.manager_id);
    return body;
}

// A state as hr2scim left it at schema 9: the same tables, each body_hash FNV-1a over the
// body's text.
std::filesystem::path schema_nine_state(const std::filesystem::path& folder) {
    const auto file = folder / "state.db";
    {
        StateStore store(file);
        for (const auto& person : people())
            store.save("t",
                       {person.key, "id-" + person.key, person.status, sent(person), std::nullopt});
        store.save("other",
                   {"E9", "id-9", ResourceStatus::active, mapped("Eve", "CFO"), std::nullopt});
    }
    Database db(file);
    db.define_function("fnv1a", text_digest);
    db.execute("UPDATE resources SET body_hash = fnv1a(body); UPDATE schema_version SET version "
               "= 9; DROP TABLE uploads; ALTER TABLE runs DROP COLUMN interrupted; ALTER TABLE "
               "runs DROP COLUMN "
               "not_sent");
    return file;
}

int version_of(const std::filesystem::path& file) {
    Database db(file, true);
    auto query = db.prepare("SELECT version FROM schema_version");
    return query.step() ? static_cast<int>(query.integer(0)) : 0;
}

// Each row's body_hash, and what `hash` makes of its body.
std::vector<std::pair<std::string, std::string>>
stored_hashes(const std::filesystem::path& file, std::string (*hash)(std::string_view)) {
    Database db(file, true);
    auto query = db.prepare("SELECT body_hash, body FROM resources ORDER BY target, source_key");
    std::vector<std::pair<std::string, std::string>> rows;
    while (query.step())
        rows.emplace_back(query.text(0), hash(query.view(1)));
    return rows;
}

TEST(FingerprintMigration, TakesEveryStoredFingerprintAgainFromItsBody) {
    testing::TempDir dir;
    const auto file = schema_nine_state(dir.path());
    for (const auto& [stored, fnv1a] : stored_hashes(file, text_digest))
        ASSERT_EQ(stored, fnv1a) << "the test starts from FNV-1a fingerprints";

    { StateStore store(file); }
    EXPECT_EQ(version_of(file), k_schema_version);
    const auto rows = stored_hashes(file, fingerprint);
    ASSERT_EQ(rows.size(), 4U) << "every target's rows";
    for (const auto& [stored, xxh3] : rows)
        EXPECT_EQ(stored, xxh3);
}

TEST(FingerprintMigration, AnUnchangedPersonIsUnchangedAtAGlanceAfterwards) {
    testing::TempDir dir;
    const auto file = schema_nine_state(dir.path());
    { StateStore store(file); }
    const auto snapshot = StateStore::read_snapshot(file, "t", false);
    const StoredIndex index(snapshot.resources, false);
    for (const auto& person : people()) {
        scim::DesiredResource desired;
        desired.key = person.key;
        desired.body = person.mapped;
        const std::string manager_id = person.manager_id ? person.manager_id : "";
        pack_for_planning(desired, person.manager_id ? &manager_id : nullptr);
        const auto* stored = index.find(person.key);
        ASSERT_NE(stored, nullptr);
        EXPECT_EQ(desired.sent_fingerprint, stored->body_hash) << person.key;
        EXPECT_TRUE(unchanged_at_a_glance(desired, index, {})) << person.key;
    }
}

// plan reads an older state without migrating it: it sees the fingerprints the migration will
// write, so a plan file made from it still applies once sync or apply has migrated it. A plan
// file an older hr2scim made holds a state revision over FNV-1a fingerprints: apply refuses it
// as "the state changed".
TEST(FingerprintMigration, AnOlderStateReadWithoutMigratingHasTheNewFingerprints) {
    testing::TempDir dir;
    const auto file = schema_nine_state(dir.path());
    const auto before = StateStore::read_snapshot(file, "t", false);
    EXPECT_EQ(version_of(file), 9) << "not migrated";
    ASSERT_EQ(before.resources.size(), 3U);
    for (size_t i = 0; i < before.resources.size(); ++i) {
        EXPECT_FALSE(before.resources[i].has_body);
        EXPECT_EQ(before.resources[i].body_hash, fingerprint_value(sent(people()[i]).dump()));
    }
    auto made_by_older = StateStore::read_snapshot(file, "t", true).resources;
    for (auto& resource : made_by_older)
        resource.body_hash = fingerprint_from_text(text_digest(resource.body.dump()));

    { StateStore store(file); }
    const auto after = StateStore::read_snapshot(file, "t", false);
    EXPECT_EQ(state_revision(after.resources), state_revision(before.resources));
    EXPECT_NE(state_revision(after.resources), state_revision(made_by_older));
}

} // namespace
} // namespace hr2scim::state
