// Groups when what hr2scim knows is not the whole truth, checked on the test server: a lost
// state file (groups taken over, not created twice), a failed source (nobody leaves a group), a
// person switched off by the mapping (out of every group), a same-name group on a server that
// allows duplicates (left alone and reported), and a target given up before the groups (their
// changes counted as not sent).

#include "tests/integration/sync_fixture.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <set>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

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

class GroupsTruthTest : public SyncTest {
  protected:
    // The example mapping with `extra` attribute lines, then `groups`.
    void use_groups(const std::string& groups, const std::string& extra = {}) {
        std::string mapping =
            read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml") + groups;
        if (!extra.empty())
            mapping = replace_once(mapping, "attributes:\n", "attributes:\n" + extra);
        (void)dir.write("mapping.yaml", mapping);
        use_mapping("mapping.yaml");
    }

    // Each group on the server by display name, with its members' user ids.
    std::map<std::string, std::multiset<std::string>> groups_on_server() {
        std::map<std::string, std::multiset<std::string>> out;
        for (const auto& group : server.groups()) {
            auto& members = out[group.value("displayName", "")];
            for (const auto& member : group.value("members", json::array()))
                members.insert(member.value("value", ""));
        }
        return out;
    }

    size_t groups_named(const std::string& name) {
        size_t count = 0;
        for (const auto& group : server.groups())
            count += group.value("displayName", "") == name;
        return count;
    }

    std::string id_of(const std::string& employee) {
        return server.user_with_external_id(employee).value("id", "");
    }

    // The requests about groups the server saw since the last clear, as "METHOD path".
    std::vector<std::string> group_requests(const std::string& method = {}) {
        std::vector<std::string> out;
        for (const auto& request : server.requests()) {
            const auto path = request.value("path", "");
            if (path.find("/Groups") != std::string::npos &&
                (method.empty() || request.value("method", "") == method))
                out.push_back(request.value("method", "") + " " + path);
        }
        return out;
    }

    std::string create_foreign_group(const std::string& name) {
        auto made = server.scim("POST", "/Groups",
                                R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                    "displayName": )" +
                                    json(name).dump() + R"(,
                                    "members": [{"value": "someone-else"}]})");
        EXPECT_EQ(made.status, 201) << made.body;
        return json::parse(made.body).value("id", "");
    }
};

// Item 6: the state file lost; users and groups are found on the target and taken over.
TEST_F(GroupsTruthTest, ALostStateFileTakesTheGroupsOverInsteadOfCreatingThemTwice) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    const auto before = groups_on_server();
    ASSERT_EQ(before.size(), 7U);
    std::filesystem::remove(state_file());
    server.clear_requests();
    // A lost state looks like a first run against a target that holds accounts: nothing is sent
    // until the admin says that taking them over is meant.
    auto stopped = sync();
    EXPECT_EQ(stopped.exit_code, 3) << stopped.out << stopped.err;
    EXPECT_NE(stopped.out.find("but the target already holds 10 users"), std::string::npos)
        << stopped.out;
    EXPECT_EQ(server.requests().size(), 1U)
        << "one look at the users: " << server.requests().dump();
    server.clear_requests();
    auto again = hr2scim({"sync", "--adopt-existing"}, server.token());
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("no state: 10 existing accounts matched"), std::string::npos)
        << again.out;
    EXPECT_NE(again.out.find("7 taken over"), std::string::npos) << again.out;
    EXPECT_TRUE(group_requests("POST").empty()) << "no group created a second time";
    EXPECT_TRUE(group_requests("PATCH").empty()) << "every member was there already";
    EXPECT_EQ(groups_on_server(), before);
    server.clear_requests();
    auto third = sync();
    EXPECT_EQ(third.exit_code, 0) << third.out;
    EXPECT_TRUE(group_requests().empty()) << "the state knows the groups and their members";
}

TEST_F(GroupsTruthTest, AfterALostStateAGroupWithTheRulesExternalIdIsTakenOverAndRenamed) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    std::map<std::string, std::string> ids; // externalId -> id
    for (const auto& group : server.groups())
        if (group.contains("externalId")) ids[group["externalId"]] = group["id"];
    ASSERT_EQ(ids.size(), 5U);
    std::filesystem::remove(state_file());
    // Meanwhile the rule names the departments differently; their externalIds stay.
    write_config();
    use_groups(replace_once(k_groups, "\"Dept - {each}\"", "\"Department {each}\""));
    server.clear_requests();
    auto again = hr2scim({"sync", "--adopt-existing"}, server.token());
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_TRUE(group_requests("POST").empty()) << again.out;
    EXPECT_EQ(group_requests("PATCH").size(), 5U) << "one rename each";
    EXPECT_EQ(server.groups().size(), 7U);
    for (const auto& group : server.groups())
        if (group.contains("externalId")) {
            EXPECT_EQ(group["id"], ids[group["externalId"]]);
            EXPECT_EQ(group["displayName"].get<std::string>().rfind("Department ", 0), 0U);
        }
    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_TRUE(group_requests().empty());
}

TEST_F(GroupsTruthTest, AfterALostStateATargetIgnoringFiltersMakesNoWrongTakeOver) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    // Someone else's group, answered to every look-up by a target that ignores filters.
    create_foreign_group("VPN users");
    auto before = groups_on_server();
    std::filesystem::remove(state_file());
    // While the state was lost, E1002 moved to Research.
    write_csv(replace_once(example_csv(), "Principal Engineer,Engineering",
                           "Principal Engineer,Research"));
    server.set_mode({{"ignoreFilter", true}});
    server.clear_requests();
    auto again = hr2scim({"sync", "--adopt-existing"}, server.token());
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_TRUE(group_requests("POST").empty()) << again.out;
    auto after = groups_on_server();
    EXPECT_EQ(after["VPN users"], before["VPN users"]) << "not taken for another group";
    EXPECT_TRUE(after["Dept - Research"].contains(id_of("E1002")));
    EXPECT_EQ(after["Dept - Research"].count(id_of("E1002")), 1U);
    // Engineering was taken over with E1002 in it: the next run takes them out (moved).
    auto third = sync();
    EXPECT_EQ(third.exit_code, 0) << third.out;
    EXPECT_FALSE(groups_on_server()["Dept - Engineering"].contains(id_of("E1002"))) << third.out;
    EXPECT_EQ(server.groups().size(), 8U);
}

// Item 10: a server that lets groups share a name; the same-name group is not ours.
TEST_F(GroupsTruthTest, ASameNameGroupOnAServerAllowingDuplicatesIsLeftAloneAndReported) {
    server.set_mode({{"duplicateGroupNames", true}});
    const auto everyone = create_foreign_group("All employees");
    const auto engineering = create_foreign_group("Dept - Engineering");
    use_groups(k_groups);
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_EQ(groups_named("All employees"), 1U) << "not created a second time";
    EXPECT_EQ(groups_named("Dept - Engineering"), 1U) << "not created a second time";
    const auto foreign = std::multiset<std::string>{"someone-else"};
    EXPECT_EQ(groups_on_server()["All employees"], foreign) << "left alone";
    EXPECT_EQ(groups_on_server()["Dept - Engineering"], foreign) << "left alone";
    EXPECT_NE(result.out.find("the target already holds group \"All employees\" (id " + everyone +
                              ", no externalId), which this config did not make (it holds "
                              "members hr2scim does not manage here"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("group \"Dept - Engineering\" (id " + engineering +
                              ", no externalId), which this config did not make (it lacks the "
                              "rule's externalId \"dept-engineering\")"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(groups_on_server()["Dept - Research"].size(), 3U) << "the other groups were made";

    // Named in groups.managed: taken over, with the other client's member kept.
    write_config("groups:\n  managed: [All employees]\n");
    use_groups(k_groups);
    auto managed = sync();
    EXPECT_EQ(managed.exit_code, 2) << managed.out << "Dept - Engineering is still not ours";
    EXPECT_EQ(groups_named("All employees"), 1U);
    EXPECT_EQ(groups_on_server()["All employees"].size(), 11U);
    EXPECT_TRUE(groups_on_server()["All employees"].contains("someone-else"));
}

// Item 7: a source that cannot be read (missing, empty, header only) takes nobody out of a group.
TEST_F(GroupsTruthTest, AFailedSourceTakesNobodyOutOfAGroup) {
    // E1009 left while deactivated users stayed members; now they leave on deactivation.
    write_config("groups:\n  members_leave_on: deletion\n");
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(without_line(example_csv(), "E1009,"));
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(sync().exit_code, 0); // absent twice, should absence need confirming
    ASSERT_FALSE(server.user_with_external_id("E1009").value("active", true));
    const auto before = groups_on_server();
    ASSERT_TRUE(before.at("All employees").contains(id_of("E1009")));
    write_config();
    use_groups(k_groups);
    const std::string header = example_csv().substr(0, example_csv().find('\n') + 1);
    for (const auto& content : std::vector<std::string>{header, "", "-"}) {
        SCOPED_TRACE("source: " + (content == "-" ? std::string("missing") : content));
        if (content == "-") {
            std::filesystem::remove(dir.path() / "hr.csv");
        } else {
            write_csv(content);
        }
        server.clear_requests();
        auto result = sync();
        EXPECT_NE(result.exit_code, 0) << result.out << result.err; // 1 failed, 3 withheld
        EXPECT_NE(result.out.find("nobody leaves a group in this run"), std::string::npos)
            << result.out;
        EXPECT_TRUE(group_requests("PATCH").empty()) << result.out;
        EXPECT_TRUE(group_requests("DELETE").empty()) << result.out;
        EXPECT_EQ(groups_on_server(), before);
    }
    // Read again in full: E1009 leaves the groups now, as the policy says.
    write_csv(without_line(example_csv(), "E1009,"));
    auto complete = sync();
    EXPECT_EQ(complete.exit_code, 0) << complete.out << complete.err;
    for (const auto& [name, members] : groups_on_server())
        EXPECT_FALSE(members.contains(id_of("E1009"))) << name;
}

// Item 9: `active` mapped to false deactivates like a leaver, groups included.
TEST_F(GroupsTruthTest, APersonSwitchedOffByTheMappingLeavesEveryGroupAndJoinsNone) {
    std::string csv = example_csv();
    std::string with_status;
    for (size_t from = 0, to; (to = csv.find('\n', from)) != std::string::npos; from = to + 1)
        with_status += csv.substr(from, to - from) + (from == 0 ? ",status\n" : ",active\n");
    const std::string active_line = "  active: { expr: 'status != \"terminated\"' }\n";
    write_csv(with_status);
    use_groups(k_groups, active_line);
    ASSERT_EQ(sync().exit_code, 0);
    const auto e1009 = id_of("E1009");
    ASSERT_TRUE(groups_on_server()["All employees"].contains(e1009));

    // E1009 is terminated by status; E1099 is hired already terminated.
    with_status = replace_once(with_status, "Director of Software,Engineering,CC-100,,E1001,active",
                               "Director of Software,Engineering,CC-100,,E1001,terminated");
    ASSERT_NE(with_status.find("terminated"), std::string::npos) << with_status;
    with_status += "E1099,Late,Comer,late.comer@example.com,Analyst,Engineering,CC-100,"
                   "+44 20 7946 0099,,terminated\n";
    write_csv(with_status);
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_FALSE(server.user_with_external_id("E1009").value("active", true));
    const auto e1099 = server.user_with_external_id("E1099");
    ASSERT_TRUE(e1099.is_object()) << result.out;
    for (const auto& [name, members] : groups_on_server()) {
        EXPECT_FALSE(members.contains(e1009)) << name;
        EXPECT_FALSE(members.contains(e1099.value("id", ""))) << name;
    }
    auto explained = hr2scim({"explain", "E1099"}, server.token());
    EXPECT_NE(explained.out.find("=> joins no group while the mapping makes the account inactive"),
              std::string::npos)
        << explained.out;

    // members_leave_on: deletion keeps a person switched off in their groups.
    write_config("groups:\n  members_leave_on: deletion\n");
    use_groups(k_groups, active_line);
    const auto e1001 = id_of("E1001");
    write_csv(replace_once(with_status, "CC-100,+44 20 7946 0001,,active",
                           "CC-100,+44 20 7946 0001,,terminated"));
    auto kept = sync();
    EXPECT_EQ(kept.exit_code, 0) << kept.out << kept.err;
    EXPECT_FALSE(server.user_with_external_id("E1001").value("active", true)) << kept.out;
    EXPECT_TRUE(groups_on_server()["All employees"].contains(e1001));
}

// Item 17: the user part gave the target up; the group changes are counted and named.
TEST_F(GroupsTruthTest, GroupChangesNotSentBecauseTheTargetWasAbandonedAreCountedAndNamed) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    const auto before = groups_on_server();
    std::string csv = example_csv();
    for (size_t at = csv.find(",Engineering,"); at != std::string::npos;
         at = csv.find(",Engineering,", at))
        csv.replace(at, 13, ",Labs,");
    for (size_t at = csv.find(",Research,"); at != std::string::npos;
         at = csv.find(",Research,", at))
        csv.replace(at, 10, ",Labs,");
    write_csv(csv);
    server.add_fault({{"status", 503}, {"retryAfter", 0}, {"times", 100000}});
    server.clear_requests();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find(" group changes not sent: the target was abandoned (5 operations "
                              "in a row failed"),
              std::string::npos)
        << result.out;
    EXPECT_TRUE(group_requests().empty()) << "nothing was sent for groups";
    EXPECT_EQ(groups_on_server(), before);
}

// Item 17: a target failing during the groups themselves is given up like during the users.
TEST_F(GroupsTruthTest, ATargetFailingTheGroupChangesTripsTheBreakerAndTheRestIsNotSent) {
    ASSERT_EQ(sync().exit_code, 0); // the users, before any group rule
    use_groups(k_groups);
    server.add_fault({{"status", 503}, {"retryAfter", 0}, {"times", 100000}});
    server.clear_requests();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    std::smatch not_sent;
    ASSERT_TRUE(std::regex_search(
        result.out, not_sent,
        std::regex("(\\d+) group changes not sent: the target was abandoned \\(5 operations in a "
                   "row failed")))
        << result.out;
    EXPECT_GE(std::stoul(not_sent[1]), 1U) << result.out;
    // Groups are sent concurrently now, as users are (identity_test's bound): those in flight
    // when it tripped finish their attempts.
    EXPECT_LE(group_requests().size(), (5U + 8U) * 4U)
        << "5 look-ups, 4 attempts each, and those in flight when it tripped";
    EXPECT_TRUE(server.groups().empty());
}

} // namespace
} // namespace hr2scim::testing
