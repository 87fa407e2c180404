// The mapping's `groups:` section end to end, checked on the test server: groups created with
// exactly their members, a move as two member changes, a leaver out of every group, a rename
// as one PATCH, what hr2scim did not create left alone, the target's limit on member changes
// per PATCH, the gate on mass removals and its approval; and validate and explain.

#include "tests/integration/sync_fixture.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <set>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const std::string k_groups = R"(
groups:
  departments:
    for_each: "{department}"
    display_name: "Dept - {each}"
    external_id: "dept-{lower(each)}"
  phones:
    display_name: Reachable by phone
    members: 'mobile != ""'
  everyone:
    display_name: All employees
)";

class GroupsTest : public SyncTest {
  protected:
    void use_groups(const std::string& groups) {
        (void)dir.write("mapping.yaml",
                        read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml") +
                            groups);
        use_mapping("mapping.yaml");
    }

    // Each group on the server by display name, with its members' user ids.
    std::map<std::string, std::set<std::string>> groups_on_server() {
        std::map<std::string, std::set<std::string>> out;
        for (const auto& group : server.groups()) {
            auto& members = out[group.value("displayName", "")];
            for (const auto& member : group.value("members", json::array()))
                members.insert(member.value("value", ""));
        }
        return out;
    }

    // What k_groups makes of the users the target holds.
    std::map<std::string, std::set<std::string>> expected_groups() {
        std::map<std::string, std::set<std::string>> expected;
        for (const auto& user : server.users()) {
            const auto id = user.value("id", "");
            const auto department =
                user.value(k_enterprise, json::object()).value("department", "");
            expected["Dept - " + department].insert(id);
            expected["All employees"].insert(id);
            if (user.contains("phoneNumbers")) expected["Reachable by phone"].insert(id);
        }
        return expected;
    }

    std::string id_of(const std::string& employee) {
        return server.user_with_external_id(employee).value("id", "");
    }

    // The requests about groups the server saw since the last clear, as "METHOD path".
    std::vector<std::string> group_requests() {
        std::vector<std::string> out;
        for (const auto& request : server.requests()) {
            const auto path = request.value("path", "");
            if (path.find("/Groups") != std::string::npos)
                out.push_back(request.value("method", "") + " " + path);
        }
        return out;
    }

    // E1002's department, from Engineering to another.
    void move_e1002_to(const std::string& department) {
        write_csv(replace_once(example_csv(), "Principal Engineer,Engineering",
                               "Principal Engineer," + department));
    }
};

TEST_F(GroupsTest, GroupsAreCreatedWithExactlyTheirMembersAndThenLeftAlone) {
    use_groups(k_groups);
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    const auto expected = expected_groups(); // from what the target holds
    ASSERT_GT(expected.size(), 3U);
    EXPECT_EQ(groups_on_server(), expected);
    EXPECT_NE(first.out.find("Groups sent to target \"test\": " + std::to_string(expected.size()) +
                             " created, 0 renamed, "),
              std::string::npos)
        << first.out;

    server.clear_requests();
    auto again = sync();
    EXPECT_EQ(again.exit_code, 0) << again.out;
    EXPECT_TRUE(group_requests().empty()) << "nothing changed, nothing sent";
}

TEST_F(GroupsTest, ADepartmentChangeMovesOneMemberWithTwoPatchesAndNothingElse) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    const auto before = groups_on_server();
    server.clear_requests();
    move_e1002_to("Research");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto requests = group_requests();
    ASSERT_EQ(requests.size(), 2U) << result.out;
    EXPECT_EQ(requests[0].rfind("PATCH /scim/v2/Groups/", 0), 0U);
    EXPECT_EQ(requests[1].rfind("PATCH /scim/v2/Groups/", 0), 0U);
    auto after = groups_on_server();
    const auto e1002 = id_of("E1002");
    EXPECT_FALSE(after["Dept - Engineering"].contains(e1002));
    EXPECT_TRUE(after["Dept - Research"].contains(e1002));
    after["Dept - Engineering"].insert(e1002);
    after["Dept - Research"].erase(e1002);
    EXPECT_EQ(after, before) << "nothing else changed";
}

TEST_F(GroupsTest, ALeaverLeavesEveryGroup) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    const auto e1009 = id_of("E1009"); // Engineering, everyone; no phone
    ASSERT_TRUE(groups_on_server()["All employees"].contains(e1009));
    write_csv(without_line(example_csv(), "E1009,"));
    // Absent once: not deactivated yet, and still in every group.
    auto first = sync();
    EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_TRUE(server.user_with_external_id("E1009").value("active", false));
    EXPECT_TRUE(groups_on_server()["All employees"].contains(e1009)) << first.out;
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_FALSE(server.user_with_external_id("E1009").value("active", true));
    for (const auto& [name, members] : groups_on_server())
        EXPECT_FALSE(members.contains(e1009)) << name;
    EXPECT_EQ(groups_on_server()["All employees"].size(), 9U);
}

TEST_F(GroupsTest, ARenameIsOnePatchAndKeepsTheGroup) {
    // The group's key is the cost center; its name is the department's.
    const std::string by_cost_center = R"(
groups:
  departments:
    for_each: "{cost_center}"
    display_name: "Dept - {department}"
    external_id: "cc-{lower(each)}"
)";
    use_groups(by_cost_center);
    ASSERT_EQ(sync().exit_code, 0);
    std::string research_id;
    for (const auto& group : server.groups())
        if (group.value("displayName", "") == "Dept - Research")
            research_id = group.value("id", "");
    ASSERT_FALSE(research_id.empty());
    const auto members = groups_on_server()["Dept - Research"];
    server.clear_requests();
    std::string csv = example_csv();
    for (size_t at = csv.find(",Research,"); at != std::string::npos;
         at = csv.find(",Research,", at))
        csv.replace(at, 10, ",Research Labs,");
    write_csv(csv);
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(group_requests(), std::vector<std::string>{"PATCH /scim/v2/Groups/" + research_id});
    auto after = groups_on_server();
    EXPECT_FALSE(after.contains("Dept - Research"));
    EXPECT_EQ(after["Dept - Research Labs"], members);
}

TEST_F(GroupsTest, GroupsAndMembersHr2scimDidNotAddAreLeftAlone) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    // Another client made a group, and added someone to a group hr2scim made.
    auto other = server.scim("POST", "/Groups",
                             R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                 "displayName": "VPN users",
                                 "members": [{"value": "someone-else"}]})");
    ASSERT_EQ(other.status, 201) << other.body;
    std::string engineering_id;
    for (const auto& group : server.groups())
        if (group.value("displayName", "") == "Dept - Engineering")
            engineering_id = group.value("id", "");
    auto added = server.scim("PATCH", "/Groups/" + engineering_id,
                             R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                 "Operations": [{"op": "add", "path": "members",
                                                 "value": [{"value": "contractor-7"}]}]})");
    ASSERT_EQ(added.status, 200) << added.body;
    move_e1002_to("Research");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    auto after = groups_on_server();
    EXPECT_EQ(after["VPN users"], std::set<std::string>{"someone-else"});
    EXPECT_TRUE(after["Dept - Engineering"].contains("contractor-7"));
    EXPECT_FALSE(after["Dept - Engineering"].contains(id_of("E1002")));
}

TEST_F(GroupsTest, AGroupTheConfigNamesAsManagedIsTakenOverNotCreatedOrDeleted) {
    const std::string vpn = "\ngroups:\n  vpn:\n    display_name: VPN users\n"
                            "    members: 'department == \"Research\"'\n";
    use_groups(vpn);
    auto existing = server.scim("POST", "/Groups",
                                R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                    "displayName": "VPN users",
                                    "members": [{"value": "someone-else"}]})");
    ASSERT_EQ(existing.status, 201) << existing.body;
    // Not named as managed: left alone, and the run says why.
    auto refused = sync();
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("which this config did not make (it holds members hr2scim does "
                               "not manage here, or none): it is left alone"),
              std::string::npos)
        << refused.out;
    EXPECT_EQ(groups_on_server()["VPN users"], std::set<std::string>{"someone-else"});

    write_config("groups:\n  managed: [VPN users]\n");
    use_groups(vpn);
    auto taken = sync();
    EXPECT_EQ(taken.exit_code, 0) << taken.out << taken.err;
    EXPECT_EQ(server.groups().size(), 1U) << "taken over, not created";
    std::set<std::string> research{"someone-else"};
    for (const auto* employee : {"E1004", "E1005", "E1006"})
        research.insert(id_of(employee));
    EXPECT_EQ(groups_on_server()["VPN users"], research);
    // Everyone in Research moves: their memberships go (approved), the group and its other
    // member stay.
    std::string csv = example_csv();
    for (size_t at = csv.find(",Research,"); at != std::string::npos;
         at = csv.find(",Research,", at))
        csv.replace(at, 10, ",Labs,");
    write_csv(csv);
    auto held = sync();
    const auto at = held.out.find("Withheld set ");
    ASSERT_NE(at, std::string::npos) << held.out;
    auto approved =
        hr2scim({"sync", "--approve-withheld", held.out.substr(at + 13, 12)}, server.token());
    EXPECT_EQ(approved.exit_code, 0) << approved.out << approved.err;
    EXPECT_EQ(groups_on_server()["VPN users"], std::set<std::string>{"someone-else"});
    EXPECT_EQ(server.groups().size(), 1U);
}

TEST_F(GroupsTest, MemberChangesStayWithinTheTargetsLimitPerPatch) {
    std::string csv = "employee_id,first_name,last_name,email,job_title,department,cost_center,"
                      "mobile,manager_id\n";
    for (int i = 0; i < 2500; ++i) {
        const auto n = std::to_string(20000 + i);
        csv += "E" + n + ",F" + n + ",L" + n + ",p" + n + "@example.com,Staff,Ops,CC-1,,\n";
    }
    write_csv(csv);
    write_config("safety:\n  max_deactivations: 50\n");
    use_groups("\ngroups:\n  everyone:\n    display_name: All employees\n");
    server.set_mode({{"maxMembersPerPatch", 100}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out.substr(result.out.size() - 2000) << result.err;
    EXPECT_EQ(groups_on_server()["All employees"].size(), 2500U);
    const auto requests = group_requests();
    EXPECT_EQ(
        std::ranges::count_if(requests, [](const auto& r) { return r.starts_with("PATCH "); }), 25);
}

// Issue 23 item 8 (this test said before that the refused change failed): a 400 that names a
// member limit halves the request and the cap is learnt; the next runs send requests of that
// size from the start.
TEST_F(GroupsTest, ATargetsMemberLimitIsLearntAndEveryMemberIsAdded) {
    std::string csv = "employee_id,first_name,last_name,email,job_title,department,cost_center,"
                      "mobile,manager_id\n";
    auto person = [](int i) {
        const auto n = std::to_string(30000 + i);
        return "E" + n + ",F" + n + ",L" + n + ",p" + n + "@example.com,Staff,Ops,CC-1,,\n";
    };
    for (int i = 0; i < 150; ++i)
        csv += person(i);
    write_csv(csv);
    use_groups("\ngroups:\n  everyone:\n    display_name: All employees\n");
    server.set_mode({{"maxMembersPerPatch", 40}}); // the config keeps its default of 100
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_EQ(groups_on_server()["All employees"].size(), 150U) << "every member, none lost";
    EXPECT_NE(first.out.find("Learnt: the target takes at most 40 members in one group request"),
              std::string::npos)
        << first.out;
    // The next run adds 50 more: requests of 40 from the start, no 400.
    for (int i = 150; i < 200; ++i)
        csv += person(i);
    write_csv(csv);
    server.clear_requests();
    auto second = sync();
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(groups_on_server()["All employees"].size(), 200U);
    size_t patches = 0;
    for (const auto& request : server.requests())
        if (request.value("path", "").find("/Groups") != std::string::npos &&
            request.value("method", "") == "PATCH") {
            ++patches;
            EXPECT_NE(request.value("status", 0), 400) << "the learnt cap is kept";
        }
    EXPECT_EQ(patches, 2U) << "50 members in requests of at most 40";
    EXPECT_EQ(second.out.find("Learnt:"), std::string::npos) << "said once" << second.out;
}

// Issue 23 item 8: --reconcile reads the managed groups too. A group deleted on the target is
// created again with its members; a member hr2scim added and someone removed is put back; a
// member someone else added stays.
TEST_F(GroupsTest, ReconcileRepairsGroupsChangedOnTheTarget) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    const auto expected = expected_groups();
    std::string research, everyone;
    for (const auto& group : server.groups()) {
        if (group.value("displayName", "") == "Dept - Research") research = group.value("id", "");
        if (group.value("displayName", "") == "All employees") everyone = group.value("id", "");
    }
    ASSERT_FALSE(research.empty());
    ASSERT_FALSE(everyone.empty());
    // Someone deletes a group, takes E1002 out of another and adds an account of their own.
    ASSERT_EQ(server.scim("DELETE", "/Groups/" + research).status, 204);
    auto other = server.scim(
        "POST", "/Users",
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"svc-backup"})");
    ASSERT_EQ(other.status, 201) << other.body;
    const auto other_id = json::parse(other.body).value("id", "");
    const json change = {
        {"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
        {"Operations",
         {{{"op", "remove"}, {"path", "members[value eq \"" + id_of("E1002") + "\"]"}},
          {{"op", "add"}, {"path", "members"}, {"value", {{{"value", other_id}}}}}}}};
    ASSERT_LT(server.scim("PATCH", "/Groups/" + everyone, change.dump()).status, 300);

    auto plain = sync(); // without --reconcile, nothing is read back: nothing changes
    ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
    EXPECT_EQ(groups_on_server().count("Dept - Research"), 0U);

    server.clear_requests();
    auto repaired = hr2scim({"sync", "--reconcile"}, server.token());
    ASSERT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
    EXPECT_NE(repaired.out.find("groups: 1 vanished, 1 members removed by someone else"),
              std::string::npos)
        << repaired.out;
    auto held = groups_on_server();
    EXPECT_EQ(held["Dept - Research"], expected.at("Dept - Research")) << "created again";
    auto everyone_expected = expected.at("All employees");
    everyone_expected.insert(other_id); // theirs stays
    EXPECT_EQ(held["All employees"], everyone_expected) << "E1002 put back, theirs kept";
    // Repaired: the next --reconcile finds nothing to do.
    server.clear_requests();
    auto again = hr2scim({"sync", "--reconcile"}, server.token());
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("groups: 0 vanished, 0 members removed"), std::string::npos)
        << again.out;
    for (const auto& request : server.requests())
        EXPECT_EQ(request.value("method", ""), "GET") << request.dump();
}

// Every group change is in the audit trail: the group's own, and each member's.
TEST_F(GroupsTest, HistoryShowsAPersonsGroupChanges) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    move_e1002_to("Research");
    ASSERT_EQ(sync().exit_code, 0);
    auto history = hr2scim({"history", "E1002"}, server.token());
    ASSERT_EQ(history.exit_code, 0) << history.out << history.err;
    EXPECT_NE(history.out.find("join group"), std::string::npos) << history.out;
    EXPECT_NE(history.out.find("group: (none) -> \"Dept - Research\""), std::string::npos)
        << history.out;
    EXPECT_NE(history.out.find("leave group"), std::string::npos) << history.out;
    EXPECT_NE(history.out.find("group: \"Dept - Engineering\" -> (removed)"), std::string::npos)
        << history.out;
}

TEST_F(GroupsTest, AMassRemovalIsWithheldUntilApproved) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    const auto engineering = groups_on_server()["Dept - Engineering"];
    ASSERT_EQ(engineering.size(), 4U);
    // Three of Engineering's four move: 75 % of its members would leave.
    std::string csv = example_csv();
    for (const auto* who : {"Principal Engineer,Engineering", "Institute Professor,Engineering",
                            "Director of Software,Engineering"})
        csv = replace_once(csv, who,
                           std::string(who).substr(0, std::string(who).find(',')) + ",Research");
    write_csv(csv);
    // validate and plan stop where sync does (issue 26, item 2), and send nothing.
    server.clear_requests();
    auto planned = hr2scim({"plan"}, server.token());
    EXPECT_EQ(planned.exit_code, 3) << planned.out << planned.err;
    auto validated = hr2scim({"validate"}, server.token());
    EXPECT_EQ(validated.exit_code, 3) << validated.out << validated.err;
    EXPECT_NE(validated.out.find(
                  "Safety  sync would withhold 1 group change: 3 of the 4 members of group "
                  "\"Dept - Engineering\" would be removed"),
              std::string::npos)
        << validated.out;
    EXPECT_EQ(server.requests().size(), 0U);
    auto held = sync();
    EXPECT_EQ(held.exit_code, 3) << held.out << held.err;
    EXPECT_NE(held.out.find("WITHHELD: 3 of the 4 members of group \"Dept - Engineering\" would "
                            "be removed (75%)"),
              std::string::npos)
        << held.out;
    EXPECT_EQ(groups_on_server()["Dept - Engineering"], engineering) << "nobody removed";
    EXPECT_EQ(groups_on_server()["Dept - Research"].size(), 6U) << "the additions went";

    const auto at = held.out.find("Withheld set ");
    ASSERT_NE(at, std::string::npos) << held.out;
    const auto digest = held.out.substr(at + 13, 12);
    auto approved = hr2scim({"sync", "--approve-withheld", digest}, server.token());
    EXPECT_EQ(approved.exit_code, 0) << approved.out << approved.err;
    EXPECT_EQ(groups_on_server()["Dept - Engineering"].size(), 1U);
}

// Issue 23: one withheld set. Users' deactivations and a group's mass removal held back in the
// same run are one set, approved by one digest; the approval sends exactly them.
TEST_F(GroupsTest, UsersAndGroupsWithheldTogetherAreOneSetApprovedOnce) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    write_config("safety:\n  max_deactivations: 1\n  confirm_absence: 1\n");
    use_groups(k_groups); // the config written again names the mapping again
    std::string csv = example_csv();
    for (const auto* who : {"Principal Engineer,Engineering", "Institute Professor,Engineering",
                            "Director of Software,Engineering"})
        csv = replace_once(csv, who,
                           std::string(who).substr(0, std::string(who).find(',')) + ",Research");
    std::string kept;
    for (size_t start = 0; start < csv.size();) { // E1005 and E1006 leave
        const auto end = csv.find('\n', start);
        const auto line = csv.substr(start, end - start + 1);
        if (!line.starts_with("E1005,") && !line.starts_with("E1006,")) kept += line;
        start = end + 1;
    }
    write_csv(kept);
    auto held = sync();
    EXPECT_EQ(held.exit_code, 3) << held.out << held.err;
    EXPECT_NE(held.out.find("WITHHELD: 2 deactivations"), std::string::npos) << held.out;
    EXPECT_NE(held.out.find("WITHHELD: 3 of the 4 members of group \"Dept - Engineering\""),
              std::string::npos)
        << held.out;
    const auto at = held.out.find("Withheld set ");
    ASSERT_NE(at, std::string::npos) << held.out;
    EXPECT_EQ(held.out.find("Withheld set ", at + 1), std::string::npos) << "one set" << held.out;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(groups_on_server()["Dept - Engineering"].size(), 4U);

    auto approved =
        hr2scim({"sync", "--approve-withheld", held.out.substr(at + 13, 12)}, server.token());
    EXPECT_EQ(approved.exit_code, 0) << approved.out << approved.err;
    EXPECT_NE(approved.out.find("Approved: the 3 withheld operations of set"), std::string::npos)
        << approved.out;
    EXPECT_EQ(server.active_users(), 8U);
    for (const auto& [name, members] : groups_on_server())
        for (const auto* leaver : {"E1005", "E1006"})
            EXPECT_FALSE(members.contains(id_of(leaver))) << leaver << " left " << name;
    EXPECT_EQ(groups_on_server()["Dept - Engineering"].size(), 1U);
    EXPECT_EQ(groups_on_server()["Dept - Research"].size(), 4U) << "E1004 and the three movers";
}

// Killed while the server has committed a group change it never answers (a create, or a
// member change), then synced again: the groups converge, none twice, no member twice.
TEST_F(GroupsTest, ARunKilledDuringGroupChangesConverges) {
    use_groups(k_groups);
    const auto expect_converged = [&] {
        auto result = sync();
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
        const auto expected = expected_groups();
        EXPECT_EQ(groups_on_server(), expected);
        EXPECT_EQ(server.groups().size(), expected.size()) << "no group twice";
        for (const auto& group : server.groups()) {
            const auto members = group.value("members", json::array());
            std::set<std::string> distinct;
            for (const auto& member : members)
                distinct.insert(member.value("value", ""));
            EXPECT_EQ(distinct.size(), members.size()) << group.dump();
        }
        server.clear_requests();
        EXPECT_EQ(sync().exit_code, 0);
        EXPECT_TRUE(group_requests().empty()) << "converged: nothing left to send";
    };
    // The first sync creates 10 users (POST), then 7 groups (POST), then fills them (PATCH).
    const std::vector<json> kill_points = {
        {{"method", "POST"}, {"after", true}, {"hang", true}, {"skip", 10}},
        {{"method", "POST"}, {"after", true}, {"hang", true}, {"skip", 14}},
        {{"method", "PATCH"}, {"after", true}, {"hang", true}, {"skip", 0}},
        {{"method", "PATCH"}, {"after", true}, {"hang", true}, {"skip", 4}}};
    for (const auto& fault : kill_points) {
        SCOPED_TRACE(fault.dump());
        server.reset();
        std::filesystem::remove(state_file());
        kill_sync_at(fault);
        expect_converged();
    }
}

// Issue 23: plan files carry the group changes (they said before that the next sync sent
// them), under the same digest, and `apply` sends exactly them.
TEST_F(GroupsTest, PlanFilesCarryTheGroupsAndApplyThemExactly) {
    use_groups(k_groups);
    const auto file = (dir.path() / "plan.json").string();
    auto plan = hr2scim({"plan", "--out", file}, server.token());
    ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
    EXPECT_TRUE(server.groups().empty()) << "plan sends nothing";
    auto applied = hr2scim({"apply", file}, server.token());
    EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("+ create group \"Dept - Engineering\""), std::string::npos)
        << applied.out;
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_EQ(groups_on_server(), expected_groups());
    // Nothing was left for the next sync to send.
    server.clear_requests();
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_TRUE(group_requests().empty());

    // A move, reviewed and applied: two member changes, nothing else.
    move_e1002_to("Research");
    ASSERT_EQ(hr2scim({"plan", "--out", file}, server.token()).exit_code, 0);
    auto reviewed = json::parse(read_file(file));
    ASSERT_TRUE(reviewed.contains("groups")) << reviewed.dump(2);
    EXPECT_EQ(reviewed["groups"]["operations"].size(), 2U) << reviewed["groups"].dump(2);
    // An edited group change is refused whole.
    auto edited = reviewed;
    edited["groups"]["operations"][0]["members"] = json::array({"E1001"});
    const auto edited_file = (dir.path() / "edited.json").string();
    (void)dir.write("edited.json", edited.dump(2));
    auto refused = hr2scim({"apply", edited_file}, server.token());
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE((refused.out + refused.err).find("changed after it was made"), std::string::npos)
        << refused.out << refused.err;
    server.clear_requests();
    auto moved = hr2scim({"apply", file}, server.token());
    EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
    EXPECT_EQ(groups_on_server(), expected_groups());
    EXPECT_EQ(group_requests().size(), 2U) << "one PATCH out of Engineering, one into Research";
}

TEST_F(GroupsTest, ValidateCountsTheGroupsAndExplainShowsAPersonsGroups) {
    use_groups(k_groups);
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_NE(validate.out.find("Groups  7 groups from 3 rules, "), std::string::npos)
        << validate.out;
    auto result = hr2scim({"explain", "E1002"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("  \"Dept - Engineering\"  externalId \"dept-engineering\"    from "
                              "departments\n  \"All employees\"    from everyone\n"
                              "  (phones: no group; members: mobile != \"\" is false)"),
              std::string::npos)
        << result.out;
}

TEST_F(GroupsTest, OneGroupWithTwoNamesIsReportedAndTheFirstKept) {
    use_groups(k_groups);
    move_e1002_to("engineering");
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_NE(validate.out.find("  ! group \"dept-engineering\" is \"Dept - Engineering\" for "
                                "E1001 but \"Dept - engineering\" for E1002 (rule departments); "
                                "the first is kept"),
              std::string::npos)
        << validate.out;
}

TEST_F(GroupsTest, AGroupThatCannotBeDerivedRejectsTheRecordAndLeavesTheUserAlone) {
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(server.user_with_external_id("E1002").value("title", ""), "Principal Engineer");
    // E1002 changes title and has no mobile number, which the group's key is made of.
    write_csv(replace_once(example_csv(), "Principal Engineer", "Fellow"));
    use_groups("\ngroups:\n  phones:\n    display_name: Reachable\n    external_id: '{mobile}'\n");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("groups.phones: external_id is empty for the group 'Reachable' "
                              "({mobile})"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.user_with_external_id("E1002").value("title", ""), "Principal Engineer")
        << "the rejected record's user is left as it was";
}

} // namespace
} // namespace hr2scim::testing
