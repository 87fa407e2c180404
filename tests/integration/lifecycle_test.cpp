// Scope, lifecycle dates, managers, unique values and extensions on the real SCIM server,
// with the run's clock fixed by --as-of. Results are read back from the server.

#include <gtest/gtest.h>

#include "tests/integration/sync_fixture.hpp"

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* k_acme = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";

const std::string k_header =
    "employee_id,first_name,last_name,email,worker_type,start_date,end_date,time_zone,manager_id,city,country,badge\n";
// E1 manages E2; E2 was created by an earlier system's export order: reports before managers.
const std::string k_people =
    "E2,Charles,Babbage,charles@example.com,Employee,2020-01-01,,,E1,London,GB,B-2\n"
    "E1,Ada,Lovelace,ada@example.com,Employee,2019-01-01,,,,London,GB,B-1\n"
    "E3,Grace,Hopper,grace@example.com,Employee,2021-01-01,,,E1,Arlington,US,B-3\n";

class LifecycleTest : public SyncTest {
protected:
    LifecycleTest() {
        (void)dir.write("config.yaml",
                        replace_once(read_file(dir.path() / "config.yaml"),
                                     std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                                     std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/lifecycle_mapping.yaml"));
        write_csv(k_header + k_people);
    }

    // Three people: one leaver is a third of them, over the default 20% gate, so tests that
    // deprovision someone allow that one explicitly.
    ProcessResult sync_at(const std::string& instant, const std::string& max_deactivations = {}) {
        std::vector<std::string> arguments = {"sync", "--as-of", instant};
        if (!max_deactivations.empty()) arguments.insert(arguments.end(), {"--max-deactivations", max_deactivations});
        return hr2scim(arguments, server.token());
    }

    json user(const std::string& external_id) { return server.user_with_external_id(external_id); }
};

TEST_F(LifecycleTest, APreHireIsCreatedInactiveAndActivatedOnTheStartDate) {
    write_csv(k_header + k_people + "E9,Nina,Newhire,nina@example.com,Employee,2026-12-10,,,E1,Berlin,DE,B-9\n");

    auto result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_TRUE(user("E9").is_null()) << "more than 7 days before the start: no account yet";

    // 2026-12-03 00:00 in Berlin is 2026-12-02 23:00 UTC: the pre-hire window opens.
    result = sync_at("2026-12-02T23:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    ASSERT_FALSE(user("E9").is_null()) << result.out;
    EXPECT_EQ(user("E9")["active"], false);
    EXPECT_EQ(user("E9")[k_enterprise]["manager"]["value"], user("E1")["id"]);

    server.clear_requests();
    result = sync_at("2026-12-09T22:59:59Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << "still the 9th in Berlin\n" << result.out;

    result = sync_at("2026-12-09T23:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user("E9")["active"], true);
    EXPECT_EQ(server.count_requests("PATCH"), 1U);
    EXPECT_EQ(server.requests().size(), 1U);
}

TEST_F(LifecycleTest, ATerminationTakesEffectAtTheEndOfTheLastDayInThePersonsZoneAndIsDeletedAfterTheGrace) {
    ASSERT_EQ(sync_at("2026-11-22T12:00:00Z").exit_code, 0);
    // Grace's last day is 30 November, and she works in Los Angeles: over at 08:00 UTC on 1 December.
    write_csv(k_header + replace_once(k_people, "E3,Grace,Hopper,grace@example.com,Employee,2021-01-01,,,",
                                      "E3,Grace,Hopper,grace@example.com,Employee,2021-01-01,2026-11-30,"
                                      "America/Los_Angeles,"));
    server.clear_requests();
    auto result = sync_at("2026-12-01T07:59:59Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user("E3")["active"], true);
    EXPECT_EQ(server.requests().size(), 0U) << result.out;

    result = sync_at("2026-12-01T08:00:00Z");
    ASSERT_EQ(result.exit_code, 3) << "the gate holds one of three back\n" << result.out << result.err;
    EXPECT_EQ(user("E3")["active"], true);
    result = sync_at("2026-12-01T08:00:00Z", "1");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user("E3")["active"], false);
    EXPECT_EQ(server.count_requests("PATCH"), 1U);
    EXPECT_NE(result.out.find("terminated: last day 2026-11-30; inactive since 2026-12-01 00:00 America/Los_Angeles"),
              std::string::npos) << result.out;

    server.clear_requests();
    result = sync_at("2026-12-31T07:59:59Z"); // 30 days after the deactivation, less a second
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.count_requests("DELETE"), 0U);
    result = sync_at("2026-12-31T08:00:00Z", "1");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.count_requests("DELETE"), 1U);
    EXPECT_TRUE(user("E3").is_null()) << result.out;
    EXPECT_EQ(server.users().size(), 2U);
}

TEST_F(LifecycleTest, AManagerCreatedAfterTheirReportIsLinkedInTheSameRun) {
    auto result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    const json manager_id = user("E1")["id"];
    ASSERT_TRUE(manager_id.is_string());
    EXPECT_EQ(user("E2")[k_enterprise]["manager"]["value"], manager_id);
    EXPECT_EQ(user("E3")[k_enterprise]["manager"]["value"], manager_id);
    EXPECT_EQ(server.count_requests("POST"), 3U);
    EXPECT_EQ(server.count_requests("PATCH"), 2U) << "one link each for E2 and E3";
    EXPECT_FALSE(user("E1")[k_enterprise].contains("manager"));

    server.clear_requests();
    result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << "the links are remembered\n" << result.out;
}

TEST_F(LifecycleTest, AManagerOutOfScopeIsReportedAndLinkedWhenTheyComeIntoScope) {
    write_csv(k_header + replace_once(k_people, "E1,Ada,Lovelace,ada@example.com,Employee",
                                      "E1,Ada,Lovelace,ada@example.com,Contractor"));
    auto result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_TRUE(user("E1").is_null());
    EXPECT_FALSE(user("E2").contains(k_enterprise));
    EXPECT_NE(result.out.find("Manager not linked: E2: manager E1 is not provisioned"), std::string::npos) << result.out;

    write_csv(k_header + k_people);
    result = sync_at("2026-11-23T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user("E2")[k_enterprise]["manager"]["value"], user("E1")["id"]);
}

TEST_F(LifecycleTest, APersonWhoFallsOutOfScopeIsDeactivatedAndNeverDeleted) {
    ASSERT_EQ(sync_at("2026-11-22T12:00:00Z").exit_code, 0);
    write_csv(k_header + replace_once(k_people, "Babbage,charles@example.com,Employee",
                                      "Babbage,charles@example.com,Contractor"));
    auto result = sync_at("2026-11-23T12:00:00Z", "1");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user("E2")["active"], false);
    server.clear_requests();
    result = sync_at("2027-11-23T12:00:00Z", "1");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.count_requests("DELETE"), 0U) << "out_of_scope: deactivate keeps the account";
    EXPECT_FALSE(user("E2").is_null());
}

TEST_F(LifecycleTest, UniquePicksTheFirstCandidateTheTargetDoesNotHold) {
    // Someone else already holds ada@example.com on the target (made by hand, not by hr2scim).
    auto made = server.scim("POST", "/Users",
                            R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com"})");
    ASSERT_EQ(made.status, 201) << made.body;
    auto result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user("E1")["userName"], "ada.lovelace@corp.example.com");
    EXPECT_EQ(user("E2")["userName"], "charles@example.com");
    EXPECT_EQ(server.users().size(), 4U);

    // Later runs leave the chosen value alone, even once the first candidate is free.
    auto id = json::parse(made.body)["id"].get<std::string>();
    ASSERT_EQ(server.scim("DELETE", "/Users/" + id).status, 204);
    server.clear_requests();
    result = sync_at("2026-11-23T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << result.out;
    EXPECT_EQ(user("E1")["userName"], "ada.lovelace@corp.example.com");
}

TEST_F(LifecycleTest, AddressesAndACustomExtensionReachTheTarget) {
    ASSERT_EQ(sync_at("2026-11-22T12:00:00Z").exit_code, 0);
    auto grace = user("E3");
    ASSERT_EQ(grace["addresses"].size(), 1U);
    EXPECT_EQ(grace["addresses"][0]["type"], "work");
    EXPECT_EQ(grace["addresses"][0]["locality"], "Arlington");
    EXPECT_EQ(grace["addresses"][0]["country"], "US");
    EXPECT_EQ(grace[k_acme]["badgeNumber"], "B-3");
    EXPECT_NE(std::find(grace["schemas"].begin(), grace["schemas"].end(), json(k_acme)), grace["schemas"].end());

    write_csv(k_header + replace_once(k_people, "Arlington,US,B-3", "Arlington,US,B-33"));
    server.clear_requests();
    auto result = sync_at("2026-11-23T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.count_requests("PATCH"), 1U);
    EXPECT_EQ(user("E3")[k_acme]["badgeNumber"], "B-33");
}

TEST_F(LifecycleTest, ExplainShowsTheScopeAndLifecycleDecision) {
    write_csv(k_header + k_people + "E9,Nina,Newhire,nina@example.com,Employee,2026-12-10,,,E1,Berlin,DE,B-9\n");
    auto result = hr2scim({"explain", "E9", "--as-of", "2026-12-05T12:00:00Z"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("Scope and lifecycle (as of 2026-12-05T12:00:00Z):"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("scope include: worker_type != \"Contractor\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("=> provisioned: pre-hire: joins on 2026-12-10; active from 2026-12-10 00:00 "
                              "Europe/Berlin (2026-12-09T23:00:00Z)"),
              std::string::npos) << result.out;
    EXPECT_NE(result.out.find("manager: source key E1"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("+ create"), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing
