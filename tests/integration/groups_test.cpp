// The mapping's `groups:` section end to end: validate and plan count the groups people belong
// to, explain shows one person's, and a group that cannot be derived rejects its record (the
// user is left as the target has it). Group provisioning to the target comes later: until then
// no request for a group may reach the target.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <set>

namespace hr2scim::testing {
namespace {

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

    // No request the target saw was about groups.
    void expect_no_group_request() {
        for (const auto& request : server.all_requests())
            EXPECT_EQ(request.dump().find("Groups"), std::string::npos) << request.dump();
    }
};

TEST_F(GroupsTest, ValidateAndPlanCountTheGroupsEveryoneBelongsTo) {
    use_groups(k_groups);
    ASSERT_EQ(sync().exit_code, 0);
    // What the groups should be, from what the target holds.
    std::set<std::string> departments;
    size_t with_phone = 0;
    const auto users = server.users();
    for (const auto& user : users) {
        const auto& extension = user.value(k_enterprise, nlohmann::json::object());
        departments.insert(extension.value("department", ""));
        if (user.contains("phoneNumbers")) ++with_phone;
    }
    ASSERT_GT(departments.size(), 1U) << users.dump();
    ASSERT_GT(with_phone, 0U);
    ASSERT_LT(with_phone, users.size());
    const auto groups = departments.size() + 2;
    const auto memberships = users.size() * 2 + with_phone;
    const std::string tally = std::to_string(groups) + " groups from 3 rules, " +
                              std::to_string(memberships) + " memberships.";

    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
    EXPECT_NE(validate.out.find("Groups  " + tally), std::string::npos) << tally << validate.out;
    auto plan = this->plan();
    EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
    // The state keeps no groups yet: each is planned as a create with all its members.
    const std::string as_plan = "; as a plan: " + std::to_string(groups) + " to create, 0 to " +
                                "rename, " + std::to_string(memberships) +
                                " members to add, 0 to remove, 0 to delete, 0 unchanged.";
    EXPECT_NE(plan.out.find("Groups: " + tally.substr(0, tally.size() - 1) + as_plan +
                            " Group provisioning to the target is not built yet: nothing is sent "
                            "for these groups."),
              std::string::npos)
        << plan.out;
    expect_no_group_request();
}

TEST_F(GroupsTest, ExplainShowsAPersonsGroupsAndWhyARuleGaveNone) {
    use_groups(k_groups);
    auto result = hr2scim({"explain", "E1002"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("  \"Dept - Engineering\"  externalId \"dept-engineering\"    from "
                              "departments\n  \"All employees\"    from everyone\n"
                              "  (phones: no group; members: mobile != \"\" is false)"),
              std::string::npos)
        << result.out;
    auto reachable = hr2scim({"explain", "E1003"}, server.token());
    EXPECT_NE(reachable.out.find("  \"Reachable by phone\"    from phones\n"), std::string::npos)
        << reachable.out;
}

TEST_F(GroupsTest, OneGroupWithTwoNamesIsReportedAndTheFirstKept) {
    use_groups(k_groups);
    write_csv(replace_once(example_csv(),
                           "E1002,Charles,Babbage,charles.babbage@example.com,"
                           "Principal Engineer,Engineering",
                           "E1002,Charles,Babbage,charles.babbage@example.com,"
                           "Principal Engineer,engineering"));
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_NE(validate.out.find("  ! group \"dept-engineering\" is \"Dept - Engineering\" for "
                                "E1001 but \"Dept - engineering\" for E1002 (rule departments); "
                                "the first is kept"),
              std::string::npos)
        << validate.out;
}

TEST_F(GroupsTest, AGroupThatCannotBeDerivedRejectsTheRecordAndLeavesTheUserAlone) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto before = server.user_with_external_id("E1002");
    ASSERT_EQ(before.value("title", ""), "Principal Engineer");
    // E1002 changes title and loses the mobile number the group's key is made of.
    write_csv(replace_once(example_csv(), "Principal Engineer", "Fellow"));
    use_groups(R"(
groups:
  phones:
    display_name: "Reachable"
    external_id: "{mobile}"
)");
    server.clear_requests();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("groups.phones: external_id is empty for the group 'Reachable' "
                              "({mobile})"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.user_with_external_id("E1002").value("title", ""), "Principal Engineer")
        << "the rejected record's user is left as it was";
    expect_no_group_request();
}

} // namespace
} // namespace hr2scim::testing
