// A manager id that no record has keeps the manager the target holds: the record is reported
// as a rejected link by validate, plan and sync (exit 2), and nothing clears the link.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr int k_partial = 2;

const std::string k_header = "employee_id,first_name,last_name,email,worker_type,start_date,end_"
                             "date,time_zone,manager_id,city,country,badge\n";
const std::string k_ada = "E1,Ada,Lovelace,ada@example.com,Employee,2019-01-01,,,,London,GB,B-1\n";
const std::string k_grace =
    "E3,Grace,Hopper,grace@example.com,Employee,2021-01-01,,,E1,Arlington,US,B-3\n";

// Charles Babbage, managed by `manager`, in `city`.
std::string charles(const std::string& manager, const std::string& city = "London") {
    return "E2,Charles,Babbage,charles@example.com,Employee,2020-01-01,,," + manager + "," + city +
           ",GB,B-2\n";
}

class ManagerLinkTest : public SyncTest {
  protected:
    ManagerLinkTest() {
        use_mapping(std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/lifecycle_mapping.yaml");
        write_csv(k_header + k_ada + charles("E1") + k_grace);
    }

    // Three people: one leaver is a third of them, over the default 20% gate.
    ProcessResult sync_at(const std::string& instant, bool allow_one_leaver = false) {
        std::vector<std::string> arguments = {"sync", "--as-of", instant};
        if (allow_one_leaver) arguments.insert(arguments.end(), {"--max-deactivations", "1"});
        return hr2scim(arguments, server.token());
    }

    json manager_of(const std::string& key) {
        return server.user_with_external_id(key)[k_enterprise]["manager"]["value"];
    }
};

TEST_F(ManagerLinkTest, AnUnknownManagerIdKeepsTheManagerTheTargetHoldsAndIsReported) {
    ASSERT_EQ(sync().exit_code, 0);
    const json ada = server.user_with_external_id("E1")["id"];
    ASSERT_EQ(manager_of("E2"), ada);
    write_csv(k_header + k_ada + charles("E9999") + k_grace);
    server.clear_requests();

    const std::string listed = "E2: manager E9999 is not in the source";
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_EQ(validate.exit_code, k_partial) << validate.out << validate.err;
    EXPECT_NE(validate.out.find(listed), std::string::npos) << validate.out;
    auto planned = plan();
    EXPECT_EQ(planned.exit_code, k_partial) << "as validate and sync" << planned.out << planned.err;
    EXPECT_NE(planned.out.find("Rejected manager link"), std::string::npos) << planned.out;
    EXPECT_NE(planned.out.find(listed), std::string::npos) << planned.out;

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_partial) << result.out << result.err;
    EXPECT_NE(result.out.find(listed), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();
    EXPECT_EQ(manager_of("E2"), ada);

    // Another change to the same person still goes, and keeps the manager.
    write_csv(k_header + k_ada + charles("E9999", "Cambridge") + k_grace);
    result = sync();
    EXPECT_EQ(result.exit_code, k_partial) << result.out << result.err;
    EXPECT_EQ(server.count_requests("PATCH"), 1U);
    EXPECT_EQ(server.user_with_external_id("E2")["addresses"][0]["locality"], "Cambridge");
    EXPECT_EQ(manager_of("E2"), ada);

    // The manager id fixed: nothing to report, and the link was never lost.
    write_csv(k_header + k_ada + charles("E1", "Cambridge") + k_grace);
    server.clear_requests();
    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out.find("Rejected manager link"), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();
}

TEST_F(ManagerLinkTest, AManagerWhoLeftStaysLinkedWhileTheStateHasTheirAccount) {
    ASSERT_EQ(sync().exit_code, 0);
    const json ada = server.user_with_external_id("E1")["id"];
    // Ada leaves the export; her reports still name her. Two reads confirm it; the gate allows
    // one leaver of three.
    write_csv(k_header + charles("E1") + k_grace);
    for (int run = 0; run < 2; ++run) {
        auto result = hr2scim({"sync", "--max-deactivations", "1"}, server.token());
        EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
        EXPECT_EQ(result.out.find("Rejected manager link"), std::string::npos) << result.out;
    }
    EXPECT_EQ(server.user_with_external_id("E1")["active"], false);
    EXPECT_EQ(manager_of("E2"), ada) << "as before: linked to the deactivated account";
    EXPECT_EQ(manager_of("E3"), ada);
}

TEST_F(ManagerLinkTest, AManagerDeletedAfterTheyLeftIsNotUnknownAndTheLinkGoesAsBefore) {
    // Both reports lose their manager at once: more than the clear gate's share of three.
    write_config("safety:\n  max_clear_percent: 100\n");
    use_mapping(std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/lifecycle_mapping.yaml");
    ASSERT_EQ(sync_at("2026-11-01T12:00:00Z").exit_code, 0);
    // Ada's last day is 10 November: deactivated, then deleted after the 30 days' grace.
    write_csv(k_header + replace_once(k_ada, "2019-01-01,,", "2019-01-01,2026-11-10,") +
              charles("E1") + k_grace);
    ASSERT_EQ(sync_at("2026-11-11T12:00:00Z", true).exit_code, 0);
    ASSERT_EQ(server.user_with_external_id("E1")["active"], false);
    EXPECT_FALSE(manager_of("E2").is_null()) << "linked to the deactivated account meanwhile";
    ASSERT_EQ(sync_at("2026-12-12T12:00:00Z", true).exit_code, 0);
    ASSERT_TRUE(server.user_with_external_id("E1").is_null()) << "deleted";

    // Her row leaves the export; her reports still name her. The link to the deleted account
    // goes, as before.
    write_csv(k_header + charles("E1") + k_grace);
    auto result = sync_at("2026-12-13T12:00:00Z");
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out.find("Rejected manager link"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Manager not linked: E2: manager E1 has left"), std::string::npos)
        << result.out;
    EXPECT_TRUE(manager_of("E2").is_null());

    // The state forgot her, the audit trail did not: she is no unknown manager afterwards.
    server.clear_requests();
    result = sync_at("2026-12-14T12:00:00Z");
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out.find("Rejected manager link"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Manager not linked: E2: manager E1 is not provisioned"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
}

} // namespace
} // namespace hr2scim::testing
