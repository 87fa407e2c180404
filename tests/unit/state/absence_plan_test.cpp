// Absence is confirmed over reads (safety.confirm_absence): a person the source stops listing
// without a termination date is deactivated only when still absent from the next complete read.
#include "state/planner.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;
using namespace std::chrono;

const sys_seconds k_now = sys_days(year(2026) / 12 / 6) + hours(2);

json body(const std::string& key, bool active = true) {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
            {"userName", key + "@x"},
            {"active", active}};
}

scim::DesiredResource desired(const std::string& key) {
    scim::DesiredResource resource;
    resource.key = key;
    resource.body = body(key);
    resource.origin = "hr.csv:" + key;
    return resource;
}

StoredResource stored(const std::string& key, ResourceStatus status = ResourceStatus::active) {
    return {key, "id-" + key, status, body(key, status != ResourceStatus::deactivated),
            std::nullopt};
}

// Ten people in the state; the source lists all but the first `cut`.
std::vector<StoredResource> state_of_ten() {
    std::vector<StoredResource> out;
    for (int i = 0; i < 10; ++i)
        out.push_back(stored("k" + std::to_string(i)));
    return out;
}

std::vector<scim::DesiredResource> source_without(size_t cut) {
    std::vector<scim::DesiredResource> out;
    for (size_t i = cut; i < 10; ++i)
        out.push_back(desired("k" + std::to_string(i)));
    return out;
}

PlanPolicy policy_now() {
    PlanPolicy policy;
    policy.now = k_now;
    return policy;
}

TEST(AbsencePlan, AbsentOnceIsNotDeactivatedButRemembered) {
    auto plan = make_plan(source_without(1), state_of_ten(), policy_now());
    EXPECT_EQ(plan.count(OperationKind::deactivate), 0U);
    EXPECT_TRUE(plan.withheld.empty());
    EXPECT_TRUE(plan.absences_counted);
    ASSERT_EQ(plan.absences.size(), 1U);
    EXPECT_EQ(plan.absences[0].key, "k0");
    EXPECT_EQ(plan.absences[0].reads, 1U);
    EXPECT_EQ(plan.absences[0].first_absent, k_now);
    EXPECT_FALSE(plan.absences[0].confirmed);
    EXPECT_EQ(plan.absences[0].until, "deactivated next run if still absent");
    EXPECT_EQ(plan.absent_unconfirmed(), 1U);
}

TEST(AbsencePlan, AbsentFromTheNextReadTooIsDeactivated) {
    auto policy = policy_now();
    policy.absences["k0"] = {k_now - hours(24), 1};
    auto plan = make_plan(source_without(1), state_of_ten(), policy);
    ASSERT_EQ(plan.count(OperationKind::deactivate), 1U);
    EXPECT_EQ(plan.operations[0].key, "k0");
    EXPECT_EQ(plan.operations[0].details().decision, "not in the source");
    ASSERT_EQ(plan.absences.size(), 1U);
    EXPECT_TRUE(plan.absences[0].confirmed);
    EXPECT_EQ(plan.absences[0].reads, 2U);
    EXPECT_EQ(plan.absences[0].first_absent, k_now - hours(24));
    EXPECT_EQ(plan.absent_unconfirmed(), 0U);
}

TEST(AbsencePlan, SomeoneBackIsNeitherDeactivatedNorRemembered) {
    auto policy = policy_now();
    policy.absences["k0"] = {k_now - hours(24), 1};
    auto plan = make_plan(source_without(0), state_of_ten(), policy);
    EXPECT_TRUE(plan.operations.empty());
    EXPECT_TRUE(plan.absences.empty()) << "the mark goes: a later absence starts again";
}

TEST(AbsencePlan, ConfirmAbsenceOneDeactivatesAtOnce) {
    auto policy = policy_now();
    policy.limits.confirm_absence = 1;
    auto plan = make_plan(source_without(1), state_of_ten(), policy);
    EXPECT_EQ(plan.count(OperationKind::deactivate), 1U);
}

TEST(AbsencePlan, ThreeReadsWaitForTwoMore) {
    auto policy = policy_now();
    policy.limits.confirm_absence = 3;
    auto plan = make_plan(source_without(1), state_of_ten(), policy);
    ASSERT_EQ(plan.absences.size(), 1U);
    EXPECT_EQ(plan.absences[0].until, "deactivated after 2 more reads if still absent");
    policy.absences["k0"] = {k_now - hours(2), 2};
    EXPECT_EQ(make_plan(source_without(1), state_of_ten(), policy).count(OperationKind::deactivate),
              1U);
}

TEST(AbsencePlan, AMinimumTimeHoldsEvenAfterEnoughReads) {
    auto policy = policy_now();
    policy.limits.confirm_absence_after = hours(12);
    policy.absences["k0"] = {k_now - hours(1), 1};
    auto plan = make_plan(source_without(1), state_of_ten(), policy);
    EXPECT_EQ(plan.count(OperationKind::deactivate), 0U);
    ASSERT_EQ(plan.absences.size(), 1U);
    EXPECT_EQ(plan.absences[0].reads, 2U);
    EXPECT_EQ(plan.absences[0].until,
              "deactivated if still absent, not before 2026-12-06T13:00:00Z");

    policy.absences["k0"] = {k_now - hours(12), 1};
    EXPECT_EQ(make_plan(source_without(1), state_of_ten(), policy).count(OperationKind::deactivate),
              1U);
}

TEST(AbsencePlan, AnIncompleteReadCountsForNothingAndDeactivatesNobody) {
    auto policy = policy_now();
    policy.source_incomplete = "the source failed: truncated";
    policy.absences["k0"] = {k_now - hours(24), 1};
    auto plan = make_plan(source_without(2), state_of_ten(), policy);
    EXPECT_FALSE(plan.absences_counted) << "the state keeps the marks it has";
    EXPECT_EQ(plan.count(OperationKind::deactivate), 0U);
    EXPECT_EQ(plan.withheld.size(), 2U) << "shown as withheld, as before";
}

TEST(AbsencePlan, ScopeAndLifecycleDecisionsAreNotDelayed) {
    auto source = source_without(0);
    source[0].disposition = scim::Disposition::out_of_scope; // scope change, or terminated
    source[0].edit_details().decision = "terminated 2026-12-01";
    source[1].body["active"] = false; // an explicit status through the mapping
    auto plan = make_plan(source, state_of_ten(), policy_now());
    EXPECT_EQ(plan.count(OperationKind::deactivate), 2U);
    EXPECT_TRUE(plan.absences.empty());
}

TEST(AbsencePlan, DeactivatedUsersAndRejectedRecordsAreNotMarked) {
    auto state = state_of_ten();
    state[0].status = ResourceStatus::deactivated;
    auto policy = policy_now();
    policy.protected_keys = {"k1"};
    auto plan = make_plan(source_without(2), state, policy);
    EXPECT_TRUE(plan.absences.empty());
    EXPECT_TRUE(plan.operations.empty());
}

TEST(AbsencePlan, AbsentOnesDoNotCountAgainstTheGates) {
    auto policy = policy_now();
    policy.limits.max_deactivations = 1;
    auto plan = make_plan(source_without(3), state_of_ten(), policy);
    EXPECT_FALSE(plan.stopped_by_gate);
    EXPECT_EQ(plan.absent_unconfirmed(), 3U);
    for (const auto& key : {"k0", "k1", "k2"})
        policy.absences[key] = {k_now - hours(24), 1};
    plan = make_plan(source_without(3), state_of_ten(), policy);
    EXPECT_TRUE(plan.stopped_by_gate) << "confirmed ones do";
    EXPECT_EQ(plan.withheld.size(), 3U);
    EXPECT_EQ(plan.absences.size(), 3U) << "still remembered: the next run counts them again";
}

} // namespace
} // namespace hr2scim::state
