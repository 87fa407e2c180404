// Groups planned from people's memberships against what was last sent: who joins, who leaves
// and why, renames, chunks within the target's limit, and the gate on removals.
#include "state/group_plan.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using Kind = GroupOperationKind;
using nlohmann::json;

scim::GroupMembership group(const std::string& key, const std::string& name) {
    return {key, name, key, "departments", nullptr};
}

scim::DesiredResource person(const std::string& key, std::vector<scim::GroupMembership> groups) {
    scim::DesiredResource desired;
    desired.key = key;
    desired.groups = std::move(groups);
    return desired;
}

StoredResource user(const std::string& key, ResourceStatus status = ResourceStatus::active) {
    StoredResource resource;
    resource.key = key;
    resource.scim_id = "id-" + key;
    resource.status = status;
    return resource;
}

StoredGroup stored_group(const std::string& key, const std::string& name,
                         std::vector<std::string> members) {
    std::vector<std::string> ids;
    for (const auto& member : members)
        ids.push_back("id-" + member);
    return {key, "gid-" + key, name, key, nullptr, std::move(members), std::move(ids), {}, true};
}

Operation user_operation(OperationKind kind, const std::string& key) {
    Operation operation;
    operation.kind = kind;
    operation.key = key;
    return operation;
}

// A run: people, the state's users and groups, and the user plan's operations.
struct GroupRun {
    std::vector<scim::DesiredResource> people;
    std::vector<StoredResource> users;
    std::vector<StoredGroup> stored;
    Plan user_plan;
    std::set<std::string> protected_keys;
    GroupPolicy policy;
    std::optional<std::string> source_incomplete;

    GroupPlan plan() const {
        const auto desired = collect_groups(people, policy.case_sensitive_keys);
        return plan_groups(
            {desired, stored, people, users, user_plan, protected_keys, source_incomplete}, policy);
    }
};

// The operations as "verb key: members" lines, to compare whole plans.
std::vector<std::string> lines(const std::vector<GroupOperation>& operations) {
    std::vector<std::string> out;
    for (const auto& operation : operations) {
        std::string line = std::string(verb(operation.kind)) + " " + operation.key;
        for (const auto& member : operation.members)
            line += " " + member;
        out.push_back(line);
    }
    return out;
}

TEST(GroupPlanner, CollectsEachProvisionedPersonOncePerGroup) {
    auto leaver = person("E3", {group("sales", "Sales")});
    leaver.terminated = true;
    auto away = person("E4", {group("sales", "Sales")});
    away.disposition = scim::Disposition::out_of_scope;
    const auto groups =
        collect_groups({person("E2", {group("sales", "Sales"), group("sales", "Sales")}),
                        person("E1", {group("sales", "Sales"), group("all", "All")}), leaver, away,
                        person("e1", {group("sales", "Sales")})},
                       false);
    ASSERT_EQ(groups.size(), 2U);
    EXPECT_EQ(groups[0].group.key, "all");
    EXPECT_EQ(groups[1].members, (std::vector<std::string>{"E1", "E2"}));
}

TEST(GroupPlanner, NewGroupsAreCreatedThenFilledInChunksOfTheTargetsLimit) {
    GroupRun run;
    for (int i = 0; i < 2500; ++i) {
        const auto key = "E" + std::to_string(10000 + i);
        run.people.push_back(person(key, {group("all", "Everyone")}));
        run.users.push_back(user(key));
    }
    const auto plan = run.plan();
    ASSERT_EQ(plan.operations.size(), 26U);
    EXPECT_EQ(plan.operations[0].kind, Kind::create);
    EXPECT_EQ(plan.operations[0].display_name, "Everyone");
    EXPECT_EQ(plan.operations[0].external_id, "all");
    for (size_t i = 1; i < plan.operations.size(); ++i) {
        EXPECT_EQ(plan.operations[i].kind, Kind::add_members);
        EXPECT_EQ(plan.operations[i].members.size(), 100U);
    }
    EXPECT_EQ(plan.members(Kind::add_members), 2500U);
}

TEST(GroupPlanner, ADepartmentChangeMovesOneMemberAndNothingElse) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance")}), person("E2", {group("sales", "Sales")}),
                  person("E3", {group("sales", "Sales")}), person("E4", {group("fin", "Finance")})};
    run.users = {user("E1"), user("E2"), user("E3"), user("E4")};
    run.stored = {stored_group("fin", "Finance", {"E1", "E2", "E4"}),
                  stored_group("sales", "Sales", {"E3"})};
    const auto plan = run.plan();
    EXPECT_EQ(lines(plan.operations),
              (std::vector<std::string>{"remove from fin E2", "add to sales E2"}));
    EXPECT_EQ(plan.operations[0].decision, "no longer in this group");
    EXPECT_TRUE(plan.withheld.empty());
    EXPECT_EQ(plan.unchanged, 0U);
}

TEST(GroupPlanner, ALeaverLeavesEveryGroupUnlessKeptUntilDeletion) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance"), group("all", "All")}),
                  person("E3", {group("fin", "Finance"), group("all", "All")})};
    run.users = {user("E1"), user("E2"), user("E3")};
    run.stored = {stored_group("fin", "Finance", {"E1", "E2", "E3"}),
                  stored_group("all", "All", {"E1", "E2", "E3"})};
    run.user_plan.operations = {user_operation(OperationKind::deactivate, "E2")};
    auto plan = run.plan();
    EXPECT_EQ(lines(plan.operations),
              (std::vector<std::string>{"remove from all E2", "remove from fin E2"}));
    EXPECT_EQ(plan.operations[0].decision, "deactivated");

    run.policy.keep_deactivated_members = true;
    EXPECT_TRUE(run.plan().operations.empty()) << "kept until the account is deleted";
    run.user_plan.operations = {user_operation(OperationKind::remove, "E2")};
    plan = run.plan();
    EXPECT_EQ(plan.members(Kind::remove_members), 2U);
    EXPECT_EQ(plan.operations[0].decision, "deleted");
}

TEST(GroupPlanner, ARejectedRecordOrAWithheldDeactivationKeepsItsGroups) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance")}), person("E3", {group("fin", "Finance")})};
    run.users = {user("E1"), user("E2"), user("E3"), user("E4")};
    run.stored = {stored_group("fin", "Finance", {"E1", "E2", "E3", "E4"})};
    run.protected_keys = {"e2"}; // rejected: not in the people, and never taken as a leaver
    run.user_plan.withheld = {user_operation(OperationKind::deactivate, "E4")};
    const auto plan = run.plan();
    EXPECT_TRUE(plan.operations.empty()) << lines(plan.operations).size();
    EXPECT_TRUE(plan.withheld.empty());
    EXPECT_EQ(plan.unchanged, 1U);
}

TEST(GroupPlanner, ARenameIsOneOperationAndKeepsTheMembers) {
    GroupRun run;
    run.people = {person("E1", {group("dept-10", "Finance & Controlling")})};
    run.users = {user("E1")};
    run.stored = {stored_group("dept-10", "Finance", {"E1"})};
    const auto plan = run.plan();
    ASSERT_EQ(lines(plan.operations), (std::vector<std::string>{"rename group dept-10"}));
    EXPECT_EQ(plan.operations[0].display_name, "Finance & Controlling");
    EXPECT_EQ(plan.operations[0].scim_id, "gid-dept-10");
}

TEST(GroupPlanner, OnlyPeopleWithAnAccountOrOneComingJoin) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance")}), person("E2", {group("fin", "Finance")}),
                  person("E3", {group("fin", "Finance")})};
    run.users = {user("E1"), user("E3", ResourceStatus::deactivated)};
    run.user_plan.operations = {user_operation(OperationKind::create, "E2")};
    const auto plan = run.plan();
    EXPECT_EQ(lines(plan.operations),
              (std::vector<std::string>{"create group fin", "add to fin E1 E2"}));
}

TEST(GroupPlanner, RemovingMostMembersOrEmptyingAGroupIsWithheld) {
    GroupRun run;
    std::vector<std::string> members;
    for (int i = 0; i < 10; ++i) {
        const auto key = "E" + std::to_string(i);
        members.push_back(key);
        run.users.push_back(user(key));
        // Six of ten moved to another department.
        run.people.push_back(
            person(key, {i < 6 ? group("ops", "Operations") : group("fin", "Finance")}));
    }
    run.stored = {stored_group("fin", "Finance", members),
                  stored_group("ops", "Operations", {"E0", "E1", "E2", "E3", "E4", "E5"}),
                  stored_group("old", "Old team", {"E9"})};
    run.policy.delete_empty_groups = true;
    const auto plan = run.plan();
    EXPECT_EQ(lines(plan.withheld),
              (std::vector<std::string>{"remove from fin E0 E1 E2 E3 E4 E5", "remove from old E9",
                                        "delete group old"}));
    EXPECT_EQ(plan.withheld_reasons,
              (std::vector<std::string>{
                  "6 of the 10 members of group \"Finance\" would be removed (60%), more than "
                  "safety.max_group_member_removal_percent (50%)",
                  "the run would empty group \"Old team\" (1 member removed)"}));
    EXPECT_TRUE(plan.operations.empty());
    EXPECT_EQ(plan.unchanged, 1U); // ops

    run.policy.max_member_removal_percent = 70;
    EXPECT_EQ(lines(run.plan().operations),
              (std::vector<std::string>{"remove from fin E0 E1 E2 E3 E4 E5"}));
}

TEST(GroupPlanner, AnUnconfirmedCreateOrAdditionIsCheckedOnTheTargetFirst) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance"), group("ops", "Operations")})};
    run.users = {user("E1")};
    auto journaled = stored_group("fin", "Finance", {}); // its POST was never answered
    journaled.scim_id.clear();
    auto unanswered = stored_group("ops", "Operations", {});
    unanswered.pending_members = {"E1"}; // its PATCH was never answered
    run.stored = {journaled, unanswered};
    const auto plan = run.plan();
    ASSERT_EQ(lines(plan.operations),
              (std::vector<std::string>{"create group fin", "add to fin E1", "add to ops E1"}));
    EXPECT_TRUE(plan.operations[0].resolve_first);
    EXPECT_FALSE(plan.operations[1].resolve_first);
    EXPECT_TRUE(plan.operations[2].resolve_first);
}

TEST(GroupPlanner, AGroupTheConfigOnlyNamesIsNeverDeleted) {
    GroupRun run;
    run.users = {user("E1")};
    run.people = {person("E1", {})};
    auto named = stored_group("vpn", "VPN users", {"E1"});
    named.created_by_hr2scim = false;
    run.stored = {named};
    run.policy.delete_empty_groups = true;
    const auto plan = run.plan();
    EXPECT_EQ(lines(plan.withheld), (std::vector<std::string>{"remove from vpn E1"}));
}

// A status the mapping turns into `active: false` (status != "terminated").
scim::DesiredResource inactive_person(const std::string& key,
                                      std::vector<scim::GroupMembership> groups) {
    auto desired = person(key, std::move(groups));
    desired.body = {{"userName", key}, {"active", false}};
    return desired;
}

TEST(GroupPlanner, DeactivatedThroughTheMappingLeavesEveryGroupUnlessKeptUntilDeletion) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance"), group("all", "All")}),
                  inactive_person("E2", {group("fin", "Finance"), group("all", "All")})};
    run.users = {user("E1"), user("E2")};
    run.stored = {stored_group("fin", "Finance", {"E1", "E2"}),
                  stored_group("all", "All", {"E1", "E2"})};
    // The planner turns a provisioned person mapped inactive into a deactivation.
    run.user_plan.operations = {user_operation(OperationKind::deactivate, "E2")};
    auto plan = run.plan();
    EXPECT_EQ(lines(plan.operations),
              (std::vector<std::string>{"remove from all E2", "remove from fin E2"}));
    EXPECT_EQ(plan.operations[0].decision, "deactivated");

    // Deactivated so in an earlier run (kept by an older version): they leave now.
    run.user_plan.operations.clear();
    run.users = {user("E1"), user("E2", ResourceStatus::deactivated)};
    EXPECT_EQ(run.plan().members(Kind::remove_members), 2U);
    // Packed for planning at scale.
    run.people[1].packed = scim::PackedJson(run.people[1].body);
    run.people[1].body = nullptr;
    EXPECT_EQ(run.plan().members(Kind::remove_members), 2U);
    run.people[0].packed = scim::PackedJson(json{{"userName", "E1"}, {"active", true}});
    EXPECT_EQ(run.plan().members(Kind::remove_members), 2U) << "E1 stays";
    // Unchanged at a glance (the body let go of): the state says deactivated.
    run.people[1].let_go();
    EXPECT_EQ(run.plan().members(Kind::remove_members), 2U);

    run.policy.keep_deactivated_members = true; // members_leave_on: deletion
    plan = run.plan();
    EXPECT_TRUE(plan.operations.empty()) << lines(plan.operations).front();
    EXPECT_EQ(plan.unchanged, 2U);
}

TEST(GroupPlanner, AnInactiveNewPersonJoinsNoGroup) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance")}),
                  inactive_person("E2", {group("fin", "Finance"), group("new", "New")})};
    run.users = {user("E1")};
    run.stored = {stored_group("fin", "Finance", {"E1"})};
    run.user_plan.operations = {user_operation(OperationKind::create, "E2")};
    EXPECT_TRUE(run.plan().operations.empty()) << "no addition, and no group made for nobody";
    run.policy.keep_deactivated_members = true; // kept until deletion, but never added
    EXPECT_TRUE(run.plan().operations.empty());
}

TEST(GroupPlanner, AWithheldMappedDeactivationKeepsItsGroups) {
    GroupRun run;
    run.people = {person("E1", {group("fin", "Finance")}),
                  inactive_person("E2", {group("fin", "Finance")})};
    run.users = {user("E1"), user("E2")};
    run.stored = {stored_group("fin", "Finance", {"E1", "E2"})};
    run.user_plan.withheld = {user_operation(OperationKind::deactivate, "E2")};
    EXPECT_TRUE(run.plan().operations.empty());
}

TEST(GroupPlanner, AnIncompleteSourceRemovesNobodyAndDeletesNothing) {
    GroupRun run;
    // E2 moved and E3 left by what could be read; E4 is new.
    run.people = {person("E1", {group("fin", "Finance")}), person("E2", {group("ops", "Ops")}),
                  person("E4", {group("fin", "Finance")})};
    run.users = {user("E1"), user("E2"), user("E3"), user("E4"), user("E5")};
    run.stored = {stored_group("fin", "Finance", {"E1", "E2", "E3"}),
                  stored_group("ops", "Ops", {}), stored_group("old", "Old", {"E5"})};
    run.user_plan.operations = {user_operation(OperationKind::deactivate, "E3"),
                                user_operation(OperationKind::remove, "E5")};
    run.policy.delete_empty_groups = true;
    run.policy.max_member_removal_percent = 100;
    const auto complete = run.plan();
    EXPECT_EQ(complete.members(Kind::remove_members), 2U) << "complete: they leave";
    EXPECT_EQ(lines(complete.withheld),
              (std::vector<std::string>{"remove from old E5", "delete group old"}));

    run.source_incomplete = "the source failed: hr.csv: no such file";
    const auto plan = run.plan();
    EXPECT_EQ(lines(plan.operations), (std::vector<std::string>{"add to fin E4", "add to ops E2"}));
    EXPECT_TRUE(plan.withheld.empty()) << "nothing an approval could release";
    EXPECT_EQ(plan.held_back, 4U); // E2, E3 from fin; E5 from old, and old's deletion
    EXPECT_EQ(plan.held_back_reason, run.source_incomplete);
}

TEST(GroupPlanner, AnEmptyReadRemovesNobodyUnlessItsDeactivationsWereApproved) {
    GroupRun run;
    run.users = {user("E1"), user("E2", ResourceStatus::deactivated)};
    run.stored = {stored_group("fin", "Finance", {"E1", "E2"})};
    run.user_plan.withheld = {user_operation(OperationKind::deactivate, "E1")};
    run.user_plan.withheld_reason = "the source returned no records; refusing to deactivate "
                                    "everyone";
    auto plan = run.plan();
    EXPECT_TRUE(plan.operations.empty() && plan.withheld.empty()) << "not even E2";
    EXPECT_EQ(plan.held_back, 1U);
    EXPECT_EQ(plan.held_back_reason, run.user_plan.withheld_reason);

    run.user_plan.operations = std::move(run.user_plan.withheld); // approved
    run.user_plan.withheld.clear();
    plan = run.plan();
    EXPECT_EQ(lines(plan.withheld), (std::vector<std::string>{"remove from fin E1 E2"}))
        << "then it empties the group: withheld by the group gate";
}

} // namespace
} // namespace hr2scim::state
