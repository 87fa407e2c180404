// The seed's Flask SCIM server (tests/scim_server/seed_server.mjs): integer ids, a bare list
// for GET /Users that ignores ?filter=, no PATCH (PUT merges), no /ServiceProviderConfig,
// DELETE 204. hr2scim must create, update, deactivate and delete there, with one account per
// person however often it runs or dies. Checked on the server.

#include "tests/integration/sync_fixture.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <map>
#include <thread>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_acme = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";

const std::string k_header = "employee_id,first_name,last_name,email,worker_type,start_date,end_"
                             "date,time_zone,manager_id,city,country,badge\n";

std::string person(int number, const std::string& city = "London", const std::string& badge = "B",
                   const std::string& end_date = {}) {
    const std::string id = "E" + std::to_string(number);
    return id + ",First" + std::to_string(number) + ",Last,p" + std::to_string(number) +
           "@example.com,Employee,2020-01-01," + end_date + ",," + (number == 1 ? "" : "E1") + "," +
           city + ",GB," + badge + "\n";
}

class SeedTargetTest : public SyncTest {
  protected:
    SeedTargetTest() : SyncTest("tests/scim_server/seed_server.mjs") {
        use_mapping(std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/lifecycle_mapping.yaml");
    }

    ProcessResult sync_at(const std::string& instant, const std::string& max_deactivations = {}) {
        std::vector<std::string> arguments = {"sync", "--as-of", instant};
        if (!max_deactivations.empty())
            arguments.insert(arguments.end(), {"--max-deactivations", max_deactivations});
        return hr2scim(arguments, server.token());
    }

    // externalId -> how many users on the server hold it.
    std::map<std::string, int> accounts() {
        std::map<std::string, int> held;
        for (const auto& user : server.users())
            ++held[user.value("externalId", "")];
        return held;
    }

    void expect_one_account_each(size_t people) {
        auto held = accounts();
        EXPECT_EQ(held.size(), people);
        for (const auto& [external_id, count] : held)
            EXPECT_EQ(count, 1) << external_id << " has " << count << " accounts";
    }
};

TEST_F(SeedTargetTest, CreatesUpdatesDeactivatesAndDeletesWithOneAccountEach) {
    write_csv(k_header + person(1) + person(2) + person(3));
    auto result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(3);
    auto e1 = server.user_with_external_id("E1");
    ASSERT_TRUE(e1["id"].is_number_integer()) << "the seed server's ids are numbers";
    EXPECT_EQ(server.user_with_external_id("E3")["urn:ietf:params:scim:schemas:extension:"
                                                 "enterprise:2.0:User"]["manager"]["value"],
              std::to_string(e1["id"].get<int>()))
        << "the manager created in the same run is linked (by PUT: the server has no PATCH)";

    server.clear_requests();
    result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.all_requests().size(), 0U) << "nothing changed: nothing sent, no look-up";
    expect_one_account_each(3);

    // E3 moves and loses their badge: PUT merges, so the badge is sent as null to clear it.
    write_csv(k_header + person(1) + person(2) + person(3, "Leeds", ""));
    server.clear_requests();
    result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    auto e3 = server.user_with_external_id("E3");
    EXPECT_EQ(e3["addresses"][0]["locality"], "Leeds");
    EXPECT_TRUE(!e3.contains(k_acme) || e3[k_acme].value("badgeNumber", json()).is_null())
        << e3.dump();
    EXPECT_EQ(server.count_requests("PUT"), 1U);
    EXPECT_LE(server.count_requests("PATCH"), 1U) << "one 405 teaches the run to PUT";
    EXPECT_EQ(server.count_requests("POST"), 0U);

    // E3 leaves: deactivated, then deleted after the 30 days' grace.
    write_csv(k_header + person(1) + person(2) + person(3, "Leeds", "", "2026-11-24"));
    result = sync_at("2026-11-27T12:00:00Z", "1");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("E3")["active"], false);
    result = sync_at("2027-01-05T12:00:00Z", "1");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_TRUE(server.user_with_external_id("E3").is_null()) << "deleted (204)";
    expect_one_account_each(2);

    server.clear_requests();
    result = sync_at("2027-01-06T12:00:00Z", "1");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.count_requests("POST"), 0U) << "the deleted leaver is not created again";
}

TEST_F(SeedTargetTest, AFirstSyncKilledMidwayThenRerunLeavesOneAccountEach) {
    constexpr int k_people = 60;
    std::string csv = k_header;
    for (int i = 1; i <= k_people; ++i)
        csv += person(i);
    write_csv(csv);
    server.set_mode({{"latencyMs", 40}}); // the answer comes 40 ms after the user is stored
    int pid = start_process({HR2SCIM_BINARY, "sync", "--as-of", "2026-11-22T12:00:00Z", "--config",
                             (dir.path() / "config.yaml").string()},
                            {{"HR2SCIM_TEST_TOKEN", server.token()}});
    for (int waited = 0; server.users().size() < 20 && waited < 3000; ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(10)); // bounded: 30 s at most
    kill_process(pid);
    const size_t stored_at_kill = server.users().size();
    ASSERT_GE(stored_at_kill, 20U);
    ASSERT_LT(stored_at_kill, static_cast<size_t>(k_people)) << "killed before the end";
    server.set_mode({{"latencyMs", 0}});

    for (int run = 0; run < 2; ++run) {
        auto result = sync_at("2026-11-22T12:00:00Z");
        ASSERT_EQ(result.exit_code, 0) << result.out.substr(0, 3000) << result.err.substr(0, 3000);
        expect_one_account_each(k_people);
    }
}

} // namespace
} // namespace hr2scim::testing
