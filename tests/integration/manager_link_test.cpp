// A manager id that no record has keeps the manager the target holds: the record is reported
// as a rejected link by validate, plan and sync (exit 2), and nothing clears the link.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr int k_partial = 2;

// Charles Babbage (E1002) is managed by Ada Lovelace (E1001) in the example export.
const std::string k_charles = "E1002,Charles,Babbage,charles.babbage@example.com,Principal "
                              "Engineer,Engineering,CC-100,,";

TEST_F(SyncTest, AnUnknownManagerIdKeepsTheManagerTheTargetHoldsAndIsReported) {
    ASSERT_EQ(sync().exit_code, 0);
    const json ada = server.user_with_external_id("E1001");
    ASSERT_EQ(server.user_with_external_id("E1002")[k_enterprise]["manager"]["value"], ada["id"]);
    write_csv(replace_once(example_csv(), k_charles + "E1001", k_charles + "E9999"));
    server.clear_requests();

    const std::string listed = "E1002: manager E9999 is not in the source";
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_EQ(validate.exit_code, k_partial) << validate.out << validate.err;
    EXPECT_NE(validate.out.find(listed), std::string::npos) << validate.out;
    auto plan = this->plan();
    EXPECT_NE(plan.out.find("Rejected manager link"), std::string::npos) << plan.out;
    EXPECT_NE(plan.out.find(listed), std::string::npos) << plan.out;

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_partial) << result.out << result.err;
    EXPECT_NE(result.out.find(listed), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();
    EXPECT_EQ(server.user_with_external_id("E1002")[k_enterprise]["manager"]["value"], ada["id"]);

    // Another change to the same person still goes, and keeps the manager.
    write_csv(replace_once(example_csv(), k_charles + "E1001",
                           replace_once(k_charles, "Principal", "Chief") + "E9999"));
    result = sync();
    EXPECT_EQ(result.exit_code, k_partial) << result.out << result.err;
    const json charles = server.user_with_external_id("E1002");
    EXPECT_EQ(charles["title"], "Chief Engineer");
    EXPECT_EQ(charles[k_enterprise]["manager"]["value"], ada["id"]);
    EXPECT_EQ(server.count_requests("PATCH"), 1U);

    // The manager id fixed: nothing to report, nothing to send for the link.
    write_csv(
        replace_once(example_csv(), k_charles, replace_once(k_charles, "Principal", "Chief")));
    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out.find("Rejected manager link"), std::string::npos) << result.out;
}

} // namespace
} // namespace hr2scim::testing
