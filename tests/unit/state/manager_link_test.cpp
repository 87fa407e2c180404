// A manager key no record has keeps the link the target holds, and is reported.
#include "scim/schema.hpp"
#include "state/planner.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

json body(const std::string& key, const std::string& title = "Engineer") {
    return {{"schemas", {scim::k_user_schema}}, {"userName", key + "@x"}, {"title", title}};
}

json with_manager(json body, const std::string& id) {
    set_manager_id(body, id);
    return body;
}

scim::DesiredResource desired(const std::string& key, const std::string& title = "Engineer") {
    scim::DesiredResource resource;
    resource.key = key;
    resource.body = body(key, title);
    resource.origin = "hr.csv:" + key;
    return resource;
}

StoredResource stored(const std::string& key, json sent,
                      ResourceStatus status = ResourceStatus::active) {
    return {key, "id-" + key, status, std::move(sent), std::nullopt};
}

scim::DesiredResource report_of(const std::string& manager, const std::string& title = "Engineer") {
    auto report = desired("r", title);
    report.manager_key = manager;
    return report;
}

TEST(ManagerLink, AnUnknownManagerKeepsTheLinkHeldAndIsReported) {
    const std::vector<StoredResource> state = {stored("m", body("m")),
                                               stored("r", with_manager(body("r"), "id-m"))};
    auto plan = make_plan({report_of("E999"), desired("m")}, state, {});
    EXPECT_TRUE(plan.operations.empty()) << "no PATCH removes the manager";
    EXPECT_EQ(plan.unchanged, 2U);
    ASSERT_EQ(plan.rejected_links.size(), 1U);
    EXPECT_EQ(plan.rejected_links[0].key, "r");
    EXPECT_EQ(plan.rejected_links[0].origin, "hr.csv:r");
    EXPECT_EQ(plan.rejected_links[0].manager_key, "E999");
    EXPECT_TRUE(plan.unlinked_managers.empty());
}

TEST(ManagerLink, OtherChangesStillGoAndKeepTheManagerLastSent) {
    const std::vector<StoredResource> state = {stored("m", body("m")),
                                               stored("r", with_manager(body("r"), "id-m"))};
    auto plan = make_plan({report_of("E999", "Chief"), desired("m")}, state, {});
    ASSERT_EQ(plan.operations.size(), 1U);
    const auto& update = plan.operations[0];
    EXPECT_EQ(update.kind, OperationKind::update);
    ASSERT_EQ(update.changes.size(), 1U);
    EXPECT_EQ(update.changes[0].path, "title");
    EXPECT_EQ(update.full_body()[scim::k_enterprise_user_schema]["manager"]["value"], "id-m");
    EXPECT_EQ(plan.rejected_links.size(), 1U);
}

TEST(ManagerLink, AManagerWhoseRecordWasRejectedIsUnknownToo) {
    // The manager's record was rejected and they have no account yet.
    const std::vector<StoredResource> state = {stored("r", with_manager(body("r"), "id-old"))};
    const std::vector<StoredResource> with_old = {state[0], stored("old", body("old"))};
    PlanPolicy policy;
    policy.protected_keys = {"m"};
    policy.limits.confirm_absence = 1;
    auto plan = make_plan({report_of("m")}, with_old, policy);
    for (const auto& operation : plan.operations)
        EXPECT_NE(operation.key, "r") << "the link to id-old stays";
    ASSERT_EQ(plan.rejected_links.size(), 1U);
    EXPECT_EQ(plan.rejected_links[0].manager_key, "m");
}

TEST(ManagerLink, ACreateWithAnUnknownManagerIsMadeAndReported) {
    auto plan = make_plan({report_of("E999")}, {}, {});
    ASSERT_EQ(plan.count(OperationKind::create), 1U);
    EXPECT_FALSE(plan.operations[0].full_body().contains(scim::k_enterprise_user_schema));
    ASSERT_EQ(plan.rejected_links.size(), 1U);
}

TEST(ManagerLink, AManagerWhoLeftAndIsStillInTheStateStaysLinked) {
    // Deactivated, absent from the source: the state has their id (as before this change).
    const std::vector<StoredResource> state = {stored("m", body("m"), ResourceStatus::deactivated),
                                               stored("r", with_manager(body("r"), "id-m"))};
    auto plan = make_plan({report_of("m")}, state, {});
    EXPECT_TRUE(plan.operations.empty());
    EXPECT_TRUE(plan.rejected_links.empty());
    EXPECT_TRUE(plan.unlinked_managers.empty());
}

TEST(ManagerLink, ALinkToAnAccountDeletedAfterItsOwnerLeftIsRemoved) {
    // The manager was deleted after the grace (the state forgot them); the held link goes.
    const std::vector<StoredResource> state = {stored("r", with_manager(body("r"), "id-gone"))};
    auto plan = make_plan({report_of("gone")}, state, {});
    ASSERT_EQ(plan.operations.size(), 1U);
    EXPECT_EQ(plan.operations[0].changes[0].path,
              std::string(scim::k_enterprise_user_schema) + ":manager");
    EXPECT_TRUE(plan.rejected_links.empty());
    ASSERT_EQ(plan.unlinked_managers.size(), 1U);
    EXPECT_EQ(plan.unlinked_managers[0], "r: manager gone has left (no record, and no account any "
                                         "more); the link to them is removed");
}

TEST(ManagerLink, AManagerTheTargetDeletedAfterTheyLeftIsNotUnknown) {
    // The state forgot them; the audit trail says this target deleted them.
    const std::vector<StoredResource> state = {stored("r", body("r"))};
    PlanPolicy policy;
    policy.departed_managers = {"gone"};
    auto plan = make_plan({report_of("gone")}, state, policy);
    EXPECT_TRUE(plan.rejected_links.empty());
    ASSERT_EQ(plan.unlinked_managers.size(), 1U);
    EXPECT_EQ(plan.unlinked_managers[0], "r: manager gone is not provisioned (not in the source, "
                                         "out of scope or rejected); linked when they are");
    EXPECT_EQ(make_plan({report_of("gone")}, state, {}).rejected_links.size(), 1U)
        << "without that fact: unknown";
}

} // namespace
} // namespace hr2scim::state
