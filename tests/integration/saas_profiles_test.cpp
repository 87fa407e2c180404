// The SaaS target profiles end to end against the test server's emulation of each target
// (tests/scim_server/server.mjs, its modes cite the vendor pages). Every result is read on the
// server's side: what it holds, and what its request log says it answered.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <map>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

const std::string k_header =
    "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id\n";

// AWS IAM Identity Center: `target.profile: aws_identity_center` against the server's `aws`
// mode (ListUsers, PatchUser, CreateUser, PutUser pages).
class AwsProfileTest : public SyncTest {
  protected:
    AwsProfileTest() { use_profile("aws_identity_center"); }

    void use_profile(const std::string& profile, const std::string& extra = {}) {
        write_config(extra);
        (void)dir.write("config.yaml",
                        replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                     "timeout_seconds: 20\n  profile: " + profile));
        server.set_mode({{"aws", true}});
    }

    // `count` people P1000.. with names, e-mails p<i>@example.com and `title`.
    static std::string people(int count, const std::string& title) {
        std::string csv = k_header;
        for (int i = 0; i < count; ++i)
            csv += "P" + std::to_string(1000 + i) + ",F" + std::to_string(i) + ",L,p" +
                   std::to_string(i) + "@example.com," + title + ",D,C,,\n";
        return csv;
    }

    // The same people, made on the target by hand before hr2scim: no externalId.
    void made_by_hand(int count) {
        for (int i = 0; i < count; ++i) {
            const json user = {
                {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                {"userName", "p" + std::to_string(i) + "@example.com"},
                {"name", {{"givenName", "F" + std::to_string(i)}, {"familyName", "L"}}},
                {"displayName", "F" + std::to_string(i) + " L"},
                {"title", "by hand"}};
            ASSERT_EQ(server.scim("POST", "/Users", user.dump()).status, 201) << i;
        }
    }

    size_t answered(long status) {
        size_t count = 0;
        for (const auto& request : server.all_requests())
            count += request["status"] == status ? 1 : 0;
        return count;
    }

    size_t requests_for(const std::string& method, const std::string& path) {
        size_t count = 0;
        for (const auto& request : server.requests())
            count += request["method"] == method && request["path"] == path ? 1 : 0;
        return count;
    }
};

// 250 people already on a target that cannot be asked by filter: every create answers 409
// and the account is found by listing the target. AWS ignores startIndex, so a listing by
// index sees the first 100 again and again; by cursor it sees all 250, and each is taken
// over, none created twice.
TEST_F(AwsProfileTest, AFirstLoadOverAListingOfMoreThan100IsPagedByCursor) {
    made_by_hand(250);
    write_csv(people(250, "Engineer"));
    server.set_mode({{"aws", true}, {"ignoreFilter", true}});
    server.clear_requests();
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    std::map<std::string, int> held;
    for (const auto& user : server.users()) {
        ++held[user.value("userName", "")];
        EXPECT_EQ(user.value("title", ""), "Engineer") << user.dump();
    }
    ASSERT_EQ(held.size(), 250U) << "no account created twice, none lost";
    for (int i = 0; i < 250; ++i) {
        const std::string user_name = "p" + std::to_string(i) + "@example.com";
        EXPECT_EQ(held[user_name], 1) << user_name;
        EXPECT_EQ(server.user_with_external_id("P" + std::to_string(1000 + i))["userName"],
                  user_name);
    }
    EXPECT_EQ(answered(400), 0U) << "no listing asked for more than 100 a page";
    EXPECT_EQ(requests_for("POST", "/scim/v2/Users"), 250U);
}

// The same target spoken to by index, as before this profile (auto: nothing announces
// cursors): the listing does not add up, so nobody is taken over and nobody is created twice;
// the run says so. (Paging by index and trusting the pages would have called 150 people
// absent.)
TEST_F(AwsProfileTest, ListingByIndexATargetThatIgnoresStartIndexConcludesNothing) {
    use_profile("auto");
    made_by_hand(150);
    write_csv(people(150, "Engineer"));
    server.set_mode({{"aws", true}, {"ignoreFilter", true}});
    auto result = sync();
    EXPECT_NE(result.exit_code, 0) << "failed, or the target given up: " << result.out;
    EXPECT_NE(result.out.find("the listing stopped at 100 users of the 150"), std::string::npos)
        << result.out;
    ASSERT_EQ(server.users().size(), 150U);
    for (const auto& user : server.users())
        EXPECT_EQ(user.value("title", ""), "by hand") << user.dump();
}

// A change, a leaver, and the leaver re-hired with a new e-mail: the re-hire changes userName
// and active, which AWS takes only in separate PATCHes. Sent together, AWS refuses it on
// every run and the person stays inactive under the old name for good.
TEST_F(AwsProfileTest, AChangeALeaverAndAReHireWithANewUserNameEndActiveUnderTheNewName) {
    use_profile("aws_identity_center", "safety:\n  confirm_absence: 1\n");
    write_csv(people(6, "Engineer"));
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    ASSERT_EQ(server.users().size(), 6U);

    // A change.
    auto csv = people(6, "Engineer");
    write_csv(
        replace_once(csv, "P1001,F1,L,p1@example.com,Engineer", "P1001,F1,L,p1@example.com,Lead"));
    result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("P1001")["title"], "Lead");

    // A leaver: absent from the export.
    write_csv(without_line(csv, "P1002,"));
    result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("P1002")["active"], false);

    // Re-hired with a new e-mail, hence a new userName.
    const auto id = server.user_with_external_id("P1002")["id"].get<std::string>();
    server.clear_requests();
    write_csv(replace_once(csv, "P1002,F2,L,p2@example.com", "P1002,F2,L,p2.new@example.com"));
    result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto rehired = server.user_with_external_id("P1002");
    EXPECT_EQ(rehired["id"], id) << "the same account";
    EXPECT_EQ(rehired["active"], true);
    EXPECT_EQ(rehired["userName"], "p2.new@example.com");
    EXPECT_EQ(answered(400), 0U) << "no PATCH refused";
    EXPECT_EQ(requests_for("PATCH", "/scim/v2/Users/" + id), 2U) << "userName, then active";

    server.clear_requests();
    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << "nothing left to send: " << result.out;
}

// givenName, familyName and displayName are required on create: a person the export leaves
// without a last name is refused before anything is sent, by record and attribute, and the
// others go on.
TEST_F(AwsProfileTest, APersonWithoutARequiredAttributeIsRejectedByNameNotSent) {
    write_csv(people(3, "Engineer") + "P2000,Nola,,nola@example.com,Engineer,D,C,,\n");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    const auto said = result.out + result.err;
    EXPECT_NE(said.find("P2000"), std::string::npos) << said;
    EXPECT_NE(said.find("requires name.familyName"), std::string::npos) << said;
    EXPECT_TRUE(server.user_with_external_id("P2000").is_null());
    EXPECT_EQ(server.users().size(), 3U);
    EXPECT_EQ(answered(400), 0U) << "nothing sent to fail on the target";
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_NE((validate.out + validate.err).find("requires name.familyName"), std::string::npos)
        << validate.out << validate.err;
}

} // namespace
} // namespace hr2scim::testing
