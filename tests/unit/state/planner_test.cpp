#include "state/planner.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

json body(const std::string& user_name, const std::string& title = "Engineer", bool active = true) {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
            {"userName", user_name},
            {"title", title},
            {"active", active}};
}

scim::DesiredResource desired(const std::string& key, const std::string& title = "Engineer") {
    scim::DesiredResource resource;
    resource.key = key;
    resource.body = body(key + "@x", title);
    resource.origin = "hr.csv:" + key;
    return resource;
}

StoredResource stored(const std::string& key, ResourceStatus status = ResourceStatus::active) {
    return {key, "id-" + key, status,
            body(key + "@x", "Engineer", status != ResourceStatus::deactivated), std::nullopt};
}

std::vector<StoredResource> population(size_t count) {
    std::vector<StoredResource> out;
    for (size_t i = 0; i < count; ++i)
        out.push_back(stored("k" + std::to_string(100 + i)));
    return out;
}

std::vector<scim::DesiredResource> desired_population(size_t count, size_t skip_first = 0) {
    std::vector<scim::DesiredResource> out;
    for (size_t i = skip_first; i < count; ++i)
        out.push_back(desired("k" + std::to_string(100 + i)));
    return out;
}

// The first `count` keys of population() were absent from the last complete read already:
// this read confirms their absence (absence_plan_test.cpp covers a first absence).
PlanPolicy absent_before(size_t count, PlanPolicy policy = {}) {
    for (size_t i = 0; i < count; ++i)
        policy.absences["k" + std::to_string(100 + i)] = {{}, 1};
    return policy;
}

TEST(Planner, NewKeysAreCreatedAndKnownUnchangedOnesSkipped) {
    auto plan = make_plan({desired("a"), desired("b")}, {stored("a")}, {});
    ASSERT_EQ(plan.operations.size(), 1U);
    EXPECT_EQ(plan.operations[0].kind, OperationKind::create);
    EXPECT_EQ(plan.operations[0].key, "b");
    EXPECT_EQ(plan.operations[0].origin, "hr.csv:b");
    EXPECT_EQ(plan.unchanged, 1U);
}

TEST(Planner, ChangedKeysAreUpdatedWithOnlyTheirChanges) {
    auto plan = make_plan({desired("a", "Chief")}, {stored("a")}, {});
    ASSERT_EQ(plan.operations.size(), 1U);
    const auto& update = plan.operations[0];
    EXPECT_EQ(update.kind, OperationKind::update);
    EXPECT_EQ(update.scim_id, "id-a");
    ASSERT_EQ(update.changes.size(), 1U);
    EXPECT_EQ(update.changes[0].path, "title");
}

TEST(Planner, KeysThatLeftAreDeactivatedAndDeactivatedOnesStayAlone) {
    auto plan = make_plan(desired_population(10, 1), population(10), absent_before(1));
    ASSERT_EQ(plan.operations.size(), 1U);
    EXPECT_EQ(plan.operations[0].kind, OperationKind::deactivate);
    EXPECT_EQ(plan.operations[0].key, "k100");
    EXPECT_EQ(plan.operations[0].full_body()["active"], false);

    auto again =
        make_plan(desired_population(10, 1), {stored("k100", ResourceStatus::deactivated)}, {});
    EXPECT_EQ(again.count(OperationKind::deactivate), 0U);
}

TEST(Planner, AReturningKeyIsReactivated) {
    auto plan = make_plan({desired("a")}, {stored("a", ResourceStatus::deactivated)}, {});
    ASSERT_EQ(plan.operations.size(), 1U);
    EXPECT_EQ(plan.operations[0].kind, OperationKind::reactivate);
    EXPECT_EQ(plan.operations[0].changes[0],
              (scim::AttributeChange{"active", json(false), json(true)}));
}

TEST(Planner, AnUnconfirmedCreateIsResolvedFirst) {
    auto pending = stored("a", ResourceStatus::pending_create);
    pending.scim_id.clear();
    auto plan = make_plan({desired("a")}, {pending}, {});
    ASSERT_EQ(plan.operations.size(), 1U);
    EXPECT_EQ(plan.operations[0].kind, OperationKind::create);
    EXPECT_TRUE(plan.operations[0].resolve_first);
}

TEST(Planner, AnEmptySourceDeactivatesNobody) {
    auto plan = make_plan({}, population(3), {});
    EXPECT_TRUE(plan.operations.empty());
    EXPECT_EQ(plan.withheld.size(), 3U);
    EXPECT_TRUE(plan.stopped_by_gate);
    EXPECT_EQ(*plan.withheld_reason,
              "the source returned no records; refusing to deactivate everyone");
}

TEST(Planner, TheCountLimitHoldsBackDeactivationsButNotOtherChanges) {
    PlanPolicy policy = absent_before(3);
    policy.limits.max_deactivations = 2;
    policy.limits.max_deactivation_percent = 100;
    auto wanted = desired_population(10, 3);
    wanted[0] = desired(wanted[0].key, "Chief");
    auto plan = make_plan(wanted, population(10), policy);
    EXPECT_EQ(plan.count(OperationKind::update), 1U);
    EXPECT_EQ(plan.count(OperationKind::deactivate), 0U);
    EXPECT_EQ(plan.withheld.size(), 3U);
    EXPECT_EQ(*plan.withheld_reason,
              "3 deactivations and deletions exceed the limit of 2 (safety.max_deactivations)");

    policy.limits.max_deactivations = 3;
    EXPECT_EQ(make_plan(wanted, population(10), policy).count(OperationKind::deactivate), 3U)
        << "at the limit is fine";
}

TEST(Planner, TheShareLimitHoldsBackDeactivations) {
    PlanPolicy policy = absent_before(3);
    policy.limits.max_deactivations = 100;
    policy.limits.max_deactivation_percent = 20;
    auto plan = make_plan(desired_population(10, 3), population(10), policy);
    EXPECT_EQ(plan.withheld.size(), 3U);
    EXPECT_EQ(*plan.withheld_reason, "3 deactivations and deletions of 10 active users (30%) "
                                     "exceed the limit of 20% (safety.max_deactivation_percent)");
    EXPECT_EQ(make_plan(desired_population(10, 2), population(10), policy)
                  .count(OperationKind::deactivate),
              2U);
}

TEST(Planner, AnIncompleteSourceDeactivatesNobodyAndIsNotAGateStop) {
    PlanPolicy policy;
    policy.source_incomplete = "the source failed: truncated";
    auto plan = make_plan(desired_population(10, 1), population(10), policy);
    EXPECT_EQ(plan.count(OperationKind::deactivate), 0U);
    EXPECT_EQ(plan.withheld.size(), 1U);
    EXPECT_FALSE(plan.stopped_by_gate);
    EXPECT_EQ(*plan.withheld_reason, "the source failed: truncated");
}

TEST(Planner, ProtectedKeysAreNeitherUpdatedNorDeactivated) {
    PlanPolicy policy;
    policy.protected_keys = {"k100"};
    auto plan = make_plan(desired_population(10, 1), population(10), policy);
    EXPECT_TRUE(plan.operations.empty());
    EXPECT_EQ(plan.protected_keys, 1U);
}

TEST(Planner, KeptPathsKeepTheValueLastSent) {
    PlanPolicy policy;
    policy.kept_paths = {*scim::parse_attribute_path("title"),
                         *scim::parse_attribute_path("nickName")};
    auto wanted = desired("a", "Chief"); // the title source failed: "Chief" is not to be trusted
    wanted.body["displayName"] = "A";
    auto plan = make_plan({wanted}, {stored("a")}, policy);
    ASSERT_EQ(plan.operations.size(), 1U);
    ASSERT_EQ(plan.operations[0].changes.size(), 1U);
    EXPECT_EQ(plan.operations[0].changes[0].path, "displayName");
    EXPECT_EQ(plan.operations[0].full_body()["title"], "Engineer")
        << "the state keeps what the target holds";
}

TEST(Planner, OperationsComeInKeyOrder) {
    auto plan = make_plan({desired("c"), desired("a"), desired("b")}, {}, {});
    ASSERT_EQ(plan.operations.size(), 3U);
    EXPECT_EQ(plan.operations[0].key, "a");
    EXPECT_EQ(plan.operations[2].key, "c");
}

} // namespace
} // namespace hr2scim::state
