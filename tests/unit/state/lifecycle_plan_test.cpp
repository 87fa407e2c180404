// The planner's side of scope and lifecycle: deletions after the grace period, date-driven
// deactivations under the gates, managers and unique values.
#include "scim/schema.hpp"
#include "state/planner.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;
using namespace std::chrono;

const sys_seconds k_now = sys_days(year(2026) / 11 / 22) + hours(13);

json body(const std::string& user_name, bool active = true) {
    return {{"schemas", {scim::k_user_schema}}, {"userName", user_name}, {"active", active}};
}

scim::DesiredResource desired(const std::string& key, bool active = true) {
    scim::DesiredResource resource;
    resource.key = key;
    resource.body = body(key + "@x", active);
    resource.origin = "hr.csv:" + key;
    return resource;
}

StoredResource stored(const std::string& key, ResourceStatus status = ResourceStatus::active,
                      std::optional<sys_seconds> deactivated_at = std::nullopt) {
    return {key, "id-" + key, status, body(key + "@x", status != ResourceStatus::deactivated),
            deactivated_at};
}

PlanPolicy with_grace(int days_of_grace) {
    PlanPolicy policy;
    policy.now = k_now;
    policy.delete_after = days(days_of_grace);
    return policy;
}

TEST(LifecyclePlan, ALeaverIsDeletedOnceTheGracePeriodHasPassed) {
    std::vector<StoredResource> state = {
        stored("a"),
        stored("b"),
        stored("c"),
        stored("d"),
        stored("e"),
        stored("gone", ResourceStatus::deactivated, k_now - days(30)),
        stored("recent", ResourceStatus::deactivated, k_now - days(29))};
    std::vector<scim::DesiredResource> source = {desired("a"), desired("b"), desired("c"),
                                                 desired("d"), desired("e")};
    auto plan = make_plan(source, state, with_grace(30));
    ASSERT_EQ(plan.count(OperationKind::remove), 1U);
    EXPECT_EQ(plan.operations.back().key, "gone");
    EXPECT_EQ(plan.operations.back().scim_id, "id-gone");
    EXPECT_EQ(make_plan(source, state, {}).count(OperationKind::remove), 0U)
        << "no grace configured: never deleted";
}

TEST(LifecyclePlan, NobodyIsDeletedWhenTheSourceFailedOrTheirRecordWasRejected) {
    std::vector<StoredResource> state = {
        stored("a"), stored("gone", ResourceStatus::deactivated, k_now - days(90))};
    auto policy = with_grace(30);
    policy.source_incomplete = "the source failed";
    EXPECT_EQ(make_plan({desired("a")}, state, policy).count(OperationKind::remove), 0U);
    policy = with_grace(30);
    policy.protected_keys = {"gone"};
    EXPECT_EQ(make_plan({desired("a")}, state, policy).count(OperationKind::remove), 0U);
}

TEST(LifecyclePlan, DeletionsCountAgainstTheSafetyGates) {
    std::vector<StoredResource> state;
    std::vector<scim::DesiredResource> source;
    for (int i = 0; i < 10; ++i) {
        state.push_back(stored("k" + std::to_string(i)));
        source.push_back(desired("k" + std::to_string(i)));
    }
    for (int i = 0; i < 3; ++i)
        state.push_back(
            stored("old" + std::to_string(i), ResourceStatus::deactivated, k_now - days(60)));
    auto policy = with_grace(30);
    policy.limits.max_deactivations = 2;
    auto plan = make_plan(source, state, policy);
    EXPECT_EQ(plan.count(OperationKind::remove), 0U);
    EXPECT_EQ(plan.withheld.size(), 3U);
    EXPECT_TRUE(plan.stopped_by_gate);
}

TEST(LifecyclePlan, ATerminationByDateIsADeactivationUnderTheGates) {
    std::vector<StoredResource> state;
    std::vector<scim::DesiredResource> source;
    for (int i = 0; i < 10; ++i) {
        state.push_back(stored("k" + std::to_string(i)));
        source.push_back(desired("k" + std::to_string(i), i >= 7)); // seven end-dated at once
    }
    PlanPolicy policy;
    auto plan = make_plan(source, state, policy);
    EXPECT_EQ(plan.count(OperationKind::deactivate), 0U);
    EXPECT_EQ(plan.withheld.size(), 7U) << "70% of the users: over the 20% share";
    for (int i = 7; i < 9; ++i)
        source[static_cast<size_t>(i)].body["active"] = true; // now one in ten
    for (int i = 0; i < 7; ++i)
        source[static_cast<size_t>(i)].body["active"] = i != 0;
    auto one = make_plan(source, state, policy);
    EXPECT_EQ(one.withheld_reason, std::nullopt);
    ASSERT_EQ(one.count(OperationKind::deactivate), 1U);
    EXPECT_EQ(one.operations[0].key, "k0");
}

TEST(LifecyclePlan, ATerminatedPersonStillInTheSourceIsDeletedAfterTheGrace) {
    auto terminated = desired("t", false);
    terminated.deletable = true;
    std::vector<StoredResource> state = {
        stored("t", ResourceStatus::deactivated, k_now - days(31))};
    for (int i = 0; i < 9; ++i)
        state.push_back(stored("k" + std::to_string(i)));
    std::vector<scim::DesiredResource> source = {terminated};
    for (int i = 0; i < 9; ++i)
        source.push_back(desired("k" + std::to_string(i)));
    auto plan = make_plan(source, state, with_grace(30));
    ASSERT_EQ(plan.count(OperationKind::remove), 1U);
    terminated.deletable = false; // a pre-hire, say: inactive but not to be deleted
    source[0] = terminated;
    EXPECT_EQ(make_plan(source, state, with_grace(30)).count(OperationKind::remove), 0U);
}

TEST(LifecyclePlan, APreHireIsCreatedInactiveAndActivatedLaterAsAnUpdate) {
    auto plan = make_plan({desired("p", false)}, {}, {});
    ASSERT_EQ(plan.count(OperationKind::create), 1U);
    EXPECT_EQ(plan.operations[0].full_body()["active"], false);
    auto later =
        make_plan({desired("p", true)}, {stored("p", ResourceStatus::deactivated, k_now)}, {});
    ASSERT_EQ(later.count(OperationKind::reactivate), 1U);
}

TEST(LifecyclePlan, HeldAndOutOfScopePeopleAreLeftOrDeprovisioned) {
    auto held = desired("h");
    held.disposition = scim::Disposition::hold;
    auto out = desired("o");
    out.disposition = scim::Disposition::out_of_scope;
    std::vector<StoredResource> state = {stored("h"), stored("o")};
    for (int i = 0; i < 8; ++i)
        state.push_back(stored("k" + std::to_string(i)));
    std::vector<scim::DesiredResource> source = {held, out};
    for (int i = 0; i < 8; ++i)
        source.push_back(desired("k" + std::to_string(i)));
    auto plan = make_plan(source, state, {});
    EXPECT_EQ(plan.held, 1U);
    ASSERT_EQ(plan.count(OperationKind::deactivate), 1U);
    EXPECT_EQ(plan.operations.back().key, "o");
    EXPECT_EQ(make_plan({held}, {}, {}).operations.size(), 0U) << "held: no account is created";
}

TEST(LifecyclePlan, AManagerInTheStateIsReferencedByTheirScimId) {
    auto report = desired("r");
    report.manager_key = "m";
    auto plan = make_plan({report, desired("m")}, {stored("m")}, {});
    ASSERT_EQ(plan.count(OperationKind::create), 1U);
    EXPECT_EQ(plan.operations[0].full_body()[scim::k_enterprise_user_schema]["manager"],
              json({{"value", "id-m"}}));
    EXPECT_EQ(plan.operations[0].full_body()["schemas"].size(), 2U);
    EXPECT_EQ(plan.count(OperationKind::link_manager), 0U);
}

TEST(LifecyclePlan, AManagerCreatedInTheSameRunIsLinkedAfterTheCreates) {
    auto report = desired("a-report");
    report.manager_key = "z-manager";
    auto plan = make_plan({report, desired("z-manager")}, {}, {});
    ASSERT_EQ(plan.operations.size(), 3U);
    EXPECT_EQ(plan.operations[0].kind, OperationKind::create);
    EXPECT_FALSE(plan.operations[0].full_body().contains(scim::k_enterprise_user_schema));
    EXPECT_EQ(plan.operations[1].kind, OperationKind::create);
    EXPECT_EQ(plan.operations[2].kind, OperationKind::link_manager);
    EXPECT_EQ(plan.operations[2].key, "a-report");
    EXPECT_EQ(plan.operations[2].manager_key, "z-manager");
}

TEST(LifecyclePlan, AManagerWhoIsNotProvisionedIsReportedAndLeftEmpty) {
    auto report = desired("r");
    report.manager_key = "nobody";
    // In the source, out of scope (a key no record has is a rejected link: manager_link_test).
    auto manager = desired("nobody");
    manager.disposition = scim::Disposition::out_of_scope;
    auto plan = make_plan({report, manager}, {}, {});
    EXPECT_FALSE(plan.operations[0].full_body().contains(scim::k_enterprise_user_schema));
    ASSERT_EQ(plan.unlinked_managers.size(), 1U);
    EXPECT_EQ(plan.unlinked_managers[0], "r: manager nobody is not provisioned (not in the source, "
                                         "out of scope or rejected); linked when they are");
}

TEST(LifecyclePlan, UniqueSkipsValuesTheStateAndEarlierCreatesHold) {
    auto path = *scim::parse_attribute_path("userName");
    auto first = desired("a");
    first.edit_details().unique = {{path, {"ada@x", "ada.l@x", "ada.l2@x"}}};
    auto second = desired("b");
    second.edit_details().unique = {{path, {"ada@x", "ada.l@x", "ada.l2@x"}}};
    auto existing = stored("z");
    existing.body["userName"] = "ADA@x"; // taken, in another case
    auto plan = make_plan({first, second}, {existing}, {});
    ASSERT_EQ(plan.operations.size(), 2U);
    EXPECT_EQ(plan.operations[0].full_body()["userName"], "ada.l@x");
    EXPECT_EQ(plan.operations[0].details().unique[0].candidates,
              (std::vector<std::string>{"ada.l@x", "ada.l2@x"}));
    EXPECT_EQ(plan.operations[1].full_body()["userName"], "ada.l2@x");
}

} // namespace
} // namespace hr2scim::state

namespace hr2scim::state {
namespace {

TEST(LifecyclePlan, ATerminatedPersonWithoutAnAccountGetsNone) {
    auto leaver = desired("left", false);
    leaver.deletable = true;
    leaver.terminated = true;
    auto plan = make_plan({desired("a"), leaver}, {stored("a")}, with_grace(30));
    EXPECT_EQ(plan.count(OperationKind::create), 0U) << "no account made only to be inactive";
    EXPECT_EQ(plan.terminated_without_account, 1U);

    // With an account (still active), the same record deactivates it as usual.
    plan = make_plan({desired("a"), leaver}, {stored("a"), stored("left")}, with_grace(30));
    EXPECT_EQ(plan.terminated_without_account, 0U);
    EXPECT_TRUE(plan.count(OperationKind::deactivate) == 1U || plan.withheld.size() == 1U);
}

} // namespace
} // namespace hr2scim::state
