// A change of an existing user refused with 409: a person's userName changes to one another
// account (made by hand, not hr2scim's) already holds. Checked on the server's side (neither
// account changes), in what the run says (the attribute, the value and the target's words),
// and over runs (sent again and reported each run, until the other account is resolved).

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

TEST_F(SyncTest, AUserNameChangeToOneAnotherAccountHoldsIsReportedByAttributeAndValue) {
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    const json ada = server.user_with_external_id("E1001");
    ASSERT_EQ(ada["userName"], "ada.lovelace@example.com");

    // Another account, not hr2scim's, holds the name Ada is about to get.
    const json other_body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                             {"userName", "ada.byron@example.com"},
                             {"displayName", "made by hand"}};
    auto made = server.scim("POST", "/Users", other_body.dump());
    ASSERT_EQ(made.status, 201) << made.body;
    const json other = json::parse(made.body);
    const std::string other_path = "/Users/" + other["id"].get<std::string>();
    const std::string renamed =
        replace_once(example_csv(), "Ada.Lovelace@example.com", "Ada.Byron@example.com");
    write_csv(renamed);

    for (int run = 1; run <= 2; ++run) {
        server.clear_requests();
        auto refused = sync();
        EXPECT_EQ(refused.exit_code, 2) << run << refused.out << refused.err;
        EXPECT_EQ(server.count_answered("PATCH", 409), 1U)
            << "sent again on each run, once: " << run << server.requests().dump();
        EXPECT_NE(refused.out.find("update E1001: the target refused changing userName to "
                                   "ada.byron@example.com (HTTP 409 uniqueness: userName "
                                   "ada.byron@example.com is already taken); another account "
                                   "holds the value"),
                  std::string::npos)
            << run << refused.out;
        EXPECT_NE(refused.out.find("nothing was changed"), std::string::npos) << refused.out;

        // Neither account changed.
        const json held = server.user_with_external_id("E1001");
        EXPECT_EQ(held["id"], ada["id"]);
        EXPECT_EQ(held["userName"], "ada.lovelace@example.com");
        EXPECT_EQ(held["emails"], ada["emails"]);
        auto still = server.scim("GET", other_path);
        ASSERT_EQ(still.status, 200) << still.body;
        const json other_now = json::parse(still.body);
        EXPECT_EQ(other_now["userName"], "ada.byron@example.com");
        EXPECT_EQ(other_now["displayName"], "made by hand");
        EXPECT_FALSE(other_now.contains("externalId")) << other_now.dump();
        EXPECT_EQ(other_now["meta"]["version"], other["meta"]["version"]) << "never written";
    }

    // The other account resolved: the change goes through on the next run.
    ASSERT_EQ(server.scim("DELETE", other_path).status, 204);
    auto resolved = sync();
    EXPECT_EQ(resolved.exit_code, 0) << resolved.out << resolved.err;
    EXPECT_EQ(server.user_with_external_id("E1001")["userName"], "ada.byron@example.com");
    EXPECT_EQ(server.user_with_external_id("E1001")["id"], ada["id"]);
}

} // namespace
} // namespace hr2scim::testing
