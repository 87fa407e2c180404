// Planning at a glance: fingerprints instead of diffs, and only the bodies it needs.
#include "state/body_hash.hpp"
#include "state/planner.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

json body(const std::string& key, const std::string& title = "Engineer") {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
            {"userName", key + "@x"},
            {"title", title},
            {"active", true}};
}

// What the state holds after `key` was sent `sent`, read without its body.
StoredResource header_only(const std::string& key, const json& sent) {
    StoredResource resource{key, "id-" + key, ResourceStatus::active, sent, std::nullopt};
    resource.body_hash = fingerprint_value(sent.dump());
    resource.body = nullptr;
    resource.has_body = false;
    return resource;
}

scim::DesiredResource packed(const std::string& key, const json& wanted,
                             const std::string* manager_id = nullptr,
                             std::optional<std::string> manager_key = std::nullopt) {
    scim::DesiredResource desired;
    desired.key = key;
    desired.body = wanted;
    desired.origin = "hr.csv:" + key;
    desired.manager_key = std::move(manager_key);
    pack_for_planning(desired, manager_id);
    return desired;
}

TEST(AtAGlance, TheFingerprintIsTheBodyHashOfWhatWouldBeSentManagerIncluded) {
    const std::string manager = "id-m";
    auto desired = packed("a", body("a"), &manager, "m");
    json sent = body("a");
    set_manager_id(sent, manager);
    EXPECT_EQ(desired.sent_fingerprint, fingerprint_value(sent.dump()));
    EXPECT_TRUE(desired.body.is_null());
    EXPECT_EQ(desired.unpacked_body(), sent);
    EXPECT_EQ(sent["schemas"].back(), k_enterprise);
}

TEST(AtAGlance, MatchingFingerprintsAreUnchangedWithoutReadingABody) {
    std::vector<StoredResource> state{header_only("a", body("a")), header_only("b", body("b"))};
    std::vector<scim::DesiredResource> desired{packed("a", body("a")),
                                               packed("b", body("b", "Director"))};
    PlanPolicy policy;
    // Only b's body is needed: a is unchanged at a glance.
    EXPECT_EQ(resources_needing_bodies(desired, state, policy), std::vector<size_t>{1});
    // Without it, planning refuses rather than diffing against nothing.
    EXPECT_THROW((void)make_plan(desired, state, policy), std::logic_error);
    state[1].body = body("b");
    state[1].has_body = true;
    auto plan = make_plan(desired, state, policy);
    EXPECT_EQ(plan.unchanged, 1U);
    ASSERT_EQ(plan.operations.size(), 1U);
    EXPECT_EQ(plan.operations[0].key, "b");
    ASSERT_EQ(plan.operations[0].changes.size(), 1U);
    EXPECT_EQ(plan.operations[0].changes[0].path, "title");
}

// As plan and sync do: each person found unchanged while mapped is let go of and their row
// marked; planning then reads only the bodies of those changed and of those who left.
TEST(AtAGlance, PeopleLetGoOfAreCountedFromTheirMarkedRows) {
    std::vector<StoredResource> state{header_only("a", body("a")), header_only("b", body("b")),
                                      header_only("c", body("c")), header_only("gone", body("g"))};
    std::vector<scim::DesiredResource> desired{
        packed("a", body("a")), packed("b", body("b", "Director")), packed("c", body("c"))};
    PlanPolicy policy;
    policy.limits.confirm_absence = 1;
    policy.limits.max_deactivation_percent = 100;
    const StoredIndex index(state, false);
    for (auto& person : desired)
        if (unchanged_at_a_glance(person, index, {})) person.let_go();
    EXPECT_TRUE(index.unchanged(state[0]));
    EXPECT_FALSE(index.unchanged(state[1]));
    EXPECT_TRUE(index.unchanged(state[2]));
    EXPECT_FALSE(index.unchanged(state[3]));
    const auto needed = resources_needing_bodies(desired, state, policy, &index);
    EXPECT_EQ(needed, (std::vector<size_t>{1, 3})) << "b changed, gone left";
    for (size_t row : needed) {
        state[row].body = row == 1 ? body("b") : body("g");
        state[row].has_body = true;
    }
    auto plan = make_plan(desired, state, policy, &index);
    EXPECT_EQ(plan.unchanged, 2U);
    ASSERT_EQ(plan.operations.size(), 2U);
    EXPECT_EQ(plan.operations[0].key, "b");
    EXPECT_EQ(plan.operations[0].kind, OperationKind::update);
    EXPECT_EQ(plan.operations[1].key, "gone");
    EXPECT_EQ(plan.operations[1].kind, OperationKind::deactivate);
}

TEST(AtAGlance, LeaversKeptPathsAndManagersWithoutAnIdNeedTheFullComparison) {
    std::vector<StoredResource> state{header_only("a", body("a")),
                                      header_only("gone", body("gone")),
                                      header_only("c", body("c"))};
    std::vector<scim::DesiredResource> desired{packed("a", body("a")),
                                               packed("c", body("c"), nullptr, "nobody")};
    PlanPolicy policy;
    // gone left (its body is deactivated); c's manager has no account, so the plan notes it.
    EXPECT_EQ(resources_needing_bodies(desired, state, policy), (std::vector<size_t>{1, 2}));
    policy.kept_paths.push_back(*scim::parse_attribute_path("title"));
    EXPECT_EQ(resources_needing_bodies(desired, state, policy), (std::vector<size_t>{0, 1, 2}));
}

TEST(AtAGlance, AStateRowPendingItsCreateIsNeverUnchangedAtAGlance) {
    auto row = header_only("a", body("a"));
    row.status = ResourceStatus::pending_create;
    row.scim_id.clear();
    std::vector<StoredResource> state{row};
    std::vector<scim::DesiredResource> desired{packed("a", body("a"))};
    EXPECT_EQ(resources_needing_bodies(desired, state, {}), std::vector<size_t>{0});
}

TEST(AtAGlance, CreatesKeepTheirBodiesPackedUntilSent) {
    const std::string manager = "id-m";
    std::vector<StoredResource> state{header_only("m", body("m"))};
    std::vector<scim::DesiredResource> desired{packed("m", body("m")),
                                               packed("n", body("n"), &manager, "m")};
    auto plan = make_plan(desired, state, {});
    ASSERT_EQ(plan.operations.size(), 1U);
    auto& create = plan.operations[0];
    EXPECT_EQ(create.kind, OperationKind::create);
    EXPECT_TRUE(create.body.is_null());
    EXPECT_FALSE(create.packed_body.empty());
    create.parse_for_sending();
    EXPECT_EQ(create.body["userName"], "n@x");
    EXPECT_EQ(create.body[k_enterprise]["manager"]["value"], "id-m");
    // Sent and recorded: the tree goes, the text stays and still reads as the body.
    create.let_go_of_parsed();
    EXPECT_TRUE(create.body.is_null());
    EXPECT_EQ(create.full_body()["userName"], "n@x");
}

TEST(AtAGlance, ABodyLetGoOfIsNeverReadAsAnEmptyOne) {
    auto desired = packed("a", body("a"));
    desired.let_go();
    EXPECT_THROW((void)desired.unpacked_body(), std::logic_error);
}

} // namespace
} // namespace hr2scim::state
