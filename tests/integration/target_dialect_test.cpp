// Targets that differ from RFC 7644 and from each other, and targets that set the pace:
// concurrency, rate limits, 201 with only a Location, no PATCH, gzip, no filtering with
// paging, attributes the target lacks, a wrong URL. Every outcome is checked on the server.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <map>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

class DialectTest : public SyncTest {
  protected:
    // `count` people; everyone but the first reports to the first.
    void write_people(int count, const std::string& title = "T") {
        std::string csv = "employee_id,first_name,last_name,email,job_title,department,"
                          "cost_center,mobile,manager_id\n";
        for (int i = 0; i < count; ++i)
            csv += "P" + std::to_string(1000 + i) + ",F" + std::to_string(i) + ",L,p" +
                   std::to_string(i) + "@example.com," + title + ",D,C,," +
                   (i == 0 ? "" : "P1000") + "\n";
        write_csv(csv);
    }

    void expect_one_account_each(size_t people) {
        std::map<std::string, int> held;
        for (const auto& user : server.users())
            ++held[user.value("externalId", "")];
        EXPECT_EQ(held.size(), people);
        for (const auto& [external_id, count] : held)
            EXPECT_EQ(count, 1) << external_id;
    }

    size_t answered(long status) {
        size_t count = 0;
        for (const auto& request : server.all_requests())
            count += request["status"] == status ? 1 : 0;
        return count;
    }

    void nothing_left_to_send() {
        server.clear_requests();
        auto again = sync();
        EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
        EXPECT_EQ(server.all_requests().size(), 0U) << again.out;
    }
};

TEST_F(DialectTest, OperationsRunConcurrentlyWithinTheLimitAndManagersAfterTheirCreate) {
    write_people(200);
    (void)dir.write("mapping.yaml",
                    "attributes:\n"
                    "  userName: '{lower(email)}'\n"
                    "  externalId: { column: employee_id }\n"
                    "  name.givenName: { column: first_name }\n"
                    "  name.familyName: { column: last_name }\n"
                    "  title: { column: job_title }\n"
                    "  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager: "
                    "{ column: manager_id }\n");
    use_mapping((dir.path() / "mapping.yaml").string());
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  max_concurrency: 6"));
    server.set_mode({{"latencyMs", 15}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_GT(server.peak_in_flight(), 1) << "sent concurrently";
    EXPECT_LE(server.peak_in_flight(), 6) << "never more than target.max_concurrency";
    expect_one_account_each(200);
    const auto manager_id = server.user_with_external_id("P1000")["id"];
    for (const auto& user : server.users()) {
        if (user["externalId"] == "P1000") continue;
        const json manager = user.value(
            json::json_pointer(std::string("/") + k_enterprise + "/manager/value"), json());
        EXPECT_EQ(manager, manager_id) << user.dump();
    }
    nothing_left_to_send();
}

TEST_F(DialectTest, ARateLimitConfiguredAsTheTargetsIsNeverExceeded) {
    write_people(40);
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  requests_per_second: 19"));
    // Configured a little under the target's 20 a second, as an admin would: on a loaded test
    // machine a request may leave late and arrive beside the next one.
    server.set_mode({{"rateLimit", {{"perSecond", 20}}}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(answered(429), 0U) << "paced below the target's limit";
    expect_one_account_each(40);
}

class RateLimitStyles : public DialectTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RateLimitStyles, A429IsWaitedOutAsToldAndNothingIsLostOrDoubled) {
    write_people(30);
    server.set_mode({{"rateLimit", {{"perSecond", 10}, {"style", GetParam()}}}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_GT(answered(429), 0U) << "the limit was hit (nothing configured)";
    expect_one_account_each(30);
    server.set_mode({{"rateLimit", nullptr}});
    nothing_left_to_send();
}

INSTANTIATE_TEST_SUITE_P(DialectTest, RateLimitStyles,
                         ::testing::Values("seconds", "date", "reset"));

TEST_F(DialectTest, ATargetWithoutPatchIsSentPut) {
    write_people(5);
    server.set_mode({{"noPatch", true}});
    ASSERT_EQ(sync().exit_code, 0);
    write_people(5, "Engineer");
    server.clear_requests();
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    for (const auto& user : server.users())
        EXPECT_EQ(user["title"], "Engineer");
    EXPECT_EQ(server.count_requests("PUT"), 5U);
    EXPECT_LE(server.count_requests("PATCH"), 1U) << "one 405 is enough to learn";
    nothing_left_to_send();
}

TEST_F(DialectTest, ATargetSayingItHasNoPatchIsNeverSentOne) {
    write_people(3);
    ASSERT_EQ(sync().exit_code, 0);
    write_people(3, "Engineer");
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  profile: put_only"));
    server.clear_requests();
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.count_requests("PATCH"), 0U);
    EXPECT_EQ(server.count_requests("PUT"), 3U);
    EXPECT_EQ(server.user_with_external_id("P1001")["title"], "Engineer");
}

TEST_F(DialectTest, ACreateAnsweredWithOnlyALocationIsRecordedUnderThatId) {
    write_people(4);
    server.set_mode({{"emptyCreate", true}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(4);
    nothing_left_to_send();
    write_people(4, "Engineer");
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.user_with_external_id("P1002")["title"], "Engineer") << "the id was right";
    expect_one_account_each(4);
}

TEST_F(DialectTest, CompressedAnswersAreDecoded) {
    write_people(5);
    server.set_mode({{"gzip", true}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(5);
    nothing_left_to_send();
}

TEST_F(DialectTest, ATargetIgnoringFiltersIsListedPageByPageNotGuessed) {
    // Twenty other people are already there; so is Ada's account, made by hand.
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(server
                      .scim("POST", "/Users",
                            json{{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                                 {"userName", "other" + std::to_string(i) + "@example.com"}}
                                .dump())
                      .status,
                  201);
    ASSERT_EQ(server
                  .scim("POST", "/Users",
                        json{{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                             {"userName", "ada.lovelace@example.com"},
                             {"externalId", "E1001"}}
                            .dump())
                  .status,
              201);
    server.set_mode({{"ignoreFilter", true}, {"pageCap", 5}});
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("ignores ?filter="), std::string::npos) << result.err;
    std::map<std::string, int> held;
    for (const auto& user : server.users())
        ++held[user.value("userName", "")];
    EXPECT_EQ(held["ada.lovelace@example.com"], 1) << "taken over, not created twice";
    EXPECT_EQ(server.user_with_external_id("E1001")["title"], "Chief Engineer");
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(held["other" + std::to_string(i) + "@example.com"], 1);
}

TEST_F(DialectTest, AttributesTheTargetLacksAreLeftOutNotFailed) {
    write_people(3);
    server.set_mode({{"lacks", {"title"}}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("the target has no title"), std::string::npos) << result.err;
    expect_one_account_each(3);
    for (const auto& user : server.users())
        EXPECT_FALSE(user.contains("title"));
    EXPECT_EQ(answered(400), 0U);
    nothing_left_to_send();
    auto plan = hr2scim({"plan"}, server.token());
    EXPECT_NE(plan.out.find("No changes"), std::string::npos)
        << "plan leaves it out too, from what the target said: " << plan.out;
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
    EXPECT_NE(validate.out.find("Target attributes: the target lacks title"), std::string::npos)
        << validate.out;
}

TEST_F(DialectTest, AWrongUrlIsOneClearErrorAndNothingIsSent) {
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                server.scim_url(), server.base_url() + "/scim/v1"));
    auto result = sync();
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("does not answer as a SCIM service provider"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("Check target.url"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("<"), std::string::npos) << "no HTML: " << result.out;
    EXPECT_EQ(result.err.find("<"), std::string::npos) << "no HTML: " << result.err;
    EXPECT_LE(server.all_requests().size(), 2U) << "two probes, no write";
    EXPECT_EQ(server.count_requests("POST"), 0U);
}

TEST_F(SyncTest, QuietSyncPrintsTotalsAndFailuresButNoListingProgressOrInfo) {
    server.add_fault({{"status", 400}, {"method", "POST"}});
    auto result = hr2scim({"sync", "--quiet"}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_EQ(result.out.find("+ create"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Plan: 10 to create"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Applied to target"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("  ! create"), std::string::npos) << "failures still show";
    EXPECT_EQ(result.err.find(" info "), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("operations,"), std::string::npos) << "no progress line in a log";
    EXPECT_EQ(server.users().size(), 9U);
}

TEST_F(DialectTest, AUserChangedBehindOurBackIsReadAgainAndChangedOnce) {
    write_people(3);
    server.set_mode({{"etag", true}});
    ASSERT_EQ(sync().exit_code, 0);
    // Someone else edits P1001 on the target: its version moves on.
    const auto id = server.user_with_external_id("P1001")["id"].get<std::string>();
    ASSERT_EQ(server
                  .scim("PATCH", "/Users/" + id,
                        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
                        R"("Operations":[{"op":"replace","path":"nickName","value":"Bob"}]})")
                  .status,
              200);
    write_people(3, "Engineer");
    server.clear_requests();
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    size_t refused = 0, read_again = 0;
    for (const auto& request : server.requests()) {
        refused += request["status"] == 412 ? 1 : 0;
        read_again += request["method"] == "GET" && request["path"] == "/scim/v2/Users/" + id;
    }
    EXPECT_EQ(refused, 1U) << "If-Match named the version hr2scim last saw";
    EXPECT_EQ(read_again, 1U);
    EXPECT_EQ(server.count_requests("PATCH"), 4U) << "3 changes, one of them sent twice";
    for (const auto& user : server.users())
        EXPECT_EQ(user["title"], "Engineer") << user["externalId"];
    EXPECT_EQ(server.user_with_external_id("P1001")["nickName"], "Bob") << "their change stays";
    nothing_left_to_send();
}

class BulkTest : public DialectTest {
  protected:
    BulkTest() {
        (void)dir.write("mapping.yaml",
                        "attributes:\n"
                        "  userName: '{lower(email)}'\n"
                        "  externalId: { column: employee_id }\n"
                        "  title: { column: job_title }\n"
                        "  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager: "
                        "{ column: manager_id }\n");
        use_mapping((dir.path() / "mapping.yaml").string());
    }

    // `count` people, nobody's manager (every operation a Bulk create): P0, P1, ... for a
    // prefix P, with e-mails p0@example.com, ... (the mapping lowers them).
    void write_unmanaged_people(const std::string& prefix, int count) {
        std::string csv = "employee_id,first_name,last_name,email,job_title,department,"
                          "cost_center,mobile,manager_id\n";
        for (int i = 0; i < count; ++i) {
            const std::string id = prefix + std::to_string(i);
            csv += id + ",F,L," + id + "@example.com,T,D,C,,\n";
        }
        write_csv(csv);
    }

    size_t requests_to(const std::string& method, const std::string& path) {
        size_t count = 0;
        for (const auto& request : server.requests())
            count += request["method"] == method && request["path"] == path ? 1 : 0;
        return count;
    }

    void expect_managers_linked() {
        const auto manager_id = server.user_with_external_id("P1000")["id"];
        for (const auto& user : server.users()) {
            if (user["externalId"] == "P1000") continue;
            const json manager = user.value(
                json::json_pointer(std::string("/") + k_enterprise + "/manager/value"), json());
            EXPECT_EQ(manager, manager_id) << user.dump();
        }
    }
};

TEST_F(BulkTest, AFirstSyncGoesInBatchesWithinTheLimitAndNewManagersByBulkId) {
    write_people(120);
    server.set_mode({{"bulk", true}, {"bulkMaxOperations", 50}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(120);
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 3U) << "120 creates, 50 a request";
    EXPECT_EQ(requests_to("POST", "/scim/v2/Users"), 0U);
    expect_managers_linked();
    // The manager goes first; the 49 reports beside them reference them by bulkId, the 70
    // in later requests are linked one by one.
    EXPECT_EQ(server.count_requests("PATCH"), 70U);
    nothing_left_to_send();

    write_people(120, "Engineer");
    server.clear_requests();
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 3U) << "120 updates, 50 a request";
    EXPECT_EQ(server.count_requests("PATCH"), 0U);
    for (const auto& user : server.users())
        EXPECT_EQ(user["title"], "Engineer");
    nothing_left_to_send();
}

TEST_F(BulkTest, RequestsStayWithinTheTargetsPayloadLimit) {
    write_people(60);
    server.set_mode({{"bulk", true}, {"bulkMaxPayload", 6000}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(60);
    size_t bulks = 0;
    for (const auto& request : server.requests()) {
        if (request["path"] != "/scim/v2/Bulk") continue;
        ++bulks;
        EXPECT_LE(request["bytes"].get<size_t>(), 6000U);
    }
    EXPECT_GE(bulks, 3U);
    expect_managers_linked();
}

// An account made by hand between two runs (the state is not empty: no first run's adoption).
TEST_F(BulkTest, ACreateRefusedInsideABulkIsRetriedAloneAndAdoptedNotDoubled) {
    write_people(1);
    ASSERT_EQ(sync().exit_code, 0);
    write_people(10);
    ASSERT_EQ(server
                  .scim("POST", "/Users",
                        json{{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                             {"userName", "p3@example.com"},
                             {"externalId", "P1003"}}
                            .dump())
                  .status,
              201);
    server.set_mode({{"bulk", true}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(10);
    EXPECT_NE(result.out.find("took over the existing account"), std::string::npos) << result.out;
    EXPECT_EQ(server.user_with_external_id("P1003")["title"], "T");
}

TEST_F(BulkTest, ATargetRefusingBulkGetsSingleRequests) {
    write_people(8);
    server.set_mode({{"bulk", true}});
    server.add_fault({{"status", 501}, {"method", "POST"}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("refused a Bulk request"), std::string::npos) << result.err;
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 1U);
    EXPECT_EQ(requests_to("POST", "/scim/v2/Users"), 8U);
    expect_one_account_each(8);
    expect_managers_linked();
}

// Issue 22 item 5: a real HR export has people who manage themselves (the CEO), managers
// listed after their reports, and now and then a loop. A Bulk create references only a
// manager created earlier in the same request: never itself, never forward, never in a cycle.
TEST_F(BulkTest, ManagersInsideBulkReferenceOnlyEarlierCreates) {
    write_csv("employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,"
              "manager_id\n"
              "P2,F,L,p2@example.com,T,D,C,,P1\n" // before their manager
              "P3,F,L,p3@example.com,T,D,C,,P2\n"
              "P1,F,L,p1@example.com,T,D,C,,P1\n" // the CEO, their own manager
              "P4,F,L,p4@example.com,T,D,C,,P5\n" // P4 and P5 manage each other
              "P5,F,L,p5@example.com,T,D,C,,P4\n");
    server.set_mode({{"bulk", true}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(5);
    EXPECT_EQ(result.err.find("no answer"), std::string::npos) << result.err;
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 1U);
    std::map<std::string, std::string> id_of;
    for (const auto& user : server.users())
        id_of[user["externalId"].get<std::string>()] = user["id"].get<std::string>();
    const std::map<std::string, std::string> manager_of = {
        {"P1", "P1"}, {"P2", "P1"}, {"P3", "P2"}, {"P4", "P5"}, {"P5", "P4"}};
    for (const auto& [report, manager] : manager_of) {
        const auto user = server.user_with_external_id(report);
        EXPECT_EQ(user.value(json::json_pointer(std::string("/") + k_enterprise + "/manager/value"),
                             json()),
                  id_of[manager])
            << report << ": " << user.dump();
    }
    nothing_left_to_send();
}

TEST_F(BulkTest, ALongChainOfManagersListedBeforeThemGoesInOneRequest) {
    std::string csv = "employee_id,first_name,last_name,email,job_title,department,cost_center,"
                      "mobile,manager_id\n";
    constexpr int people = 300; // each reports to the next one in the file; the last to itself
    for (int i = 0; i < people; ++i)
        csv += "C" + std::to_string(i) + ",F,L,c" + std::to_string(i) + "@example.com,T,D,C,,C" +
               std::to_string(std::min(i + 1, people - 1)) + "\n";
    write_csv(csv);
    // One connection: Bulk requests as large as the target takes (with more, the batches are
    // smaller and go concurrently, and a manager in another batch is linked afterwards).
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  max_concurrency: 1"));
    server.set_mode({{"bulk", true}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 1U);
    EXPECT_EQ(server.count_requests("PATCH"), 1U) << "only the one who manages themselves";
    std::map<std::string, std::string> id_of;
    for (const auto& user : server.users())
        id_of[user["externalId"].get<std::string>()] = user["id"].get<std::string>();
    for (int i = 0; i < people; ++i) {
        const auto user = server.user_with_external_id("C" + std::to_string(i));
        EXPECT_EQ(user.value(json::json_pointer(std::string("/") + k_enterprise + "/manager/value"),
                             json()),
                  id_of["C" + std::to_string(std::min(i + 1, people - 1))])
            << user.dump();
    }
}

// Issue 24 item 7: a target works through a Bulk request's operations one after another, and
// each create it answers is read back; batches one after another left both sides idle.
TEST_F(BulkTest, BatchesGoConcurrentlyWithinMaxConcurrency) {
    write_unmanaged_people("B", 400);
    server.set_mode({{"bulk", true}, {"latencyMs", 20}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(400);
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 8U) << "400 creates, 50 a request";
    EXPECT_EQ(requests_to("POST", "/scim/v2/Users"), 0U);
    EXPECT_GE(server.peak_in_flight(), 4) << "the batches and their read-backs overlap";
    nothing_left_to_send();
}

// Small batches where nothing counts requests; as large as the target takes where a budget
// does, since there every request is spent from it.
TEST_F(BulkTest, BatchesAreSmallUnlessTheTargetCountsRequests) {
    write_unmanaged_people("C", 120);
    server.set_mode({{"bulk", true}});
    auto small = sync();
    ASSERT_EQ(small.exit_code, 0) << small.out << small.err;
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 3U) << "120 creates, 50 a request";
    expect_one_account_each(120);

    server.reset();
    server.set_mode({{"bulk", true}});
    for (const char* suffix : {"", "-wal", "-shm"}) // a fresh start against an empty target
        std::filesystem::remove(state_file().string() + suffix);
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  budget:\n    writes: 50/s"));
    auto counted = sync();
    ASSERT_EQ(counted.exit_code, 0) << counted.out << counted.err;
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 1U) << "one request: the budget counts it";
    expect_one_account_each(120);
}

TEST_F(BulkTest, AnsweredBatchesAreReadBackByEveryWorker) {
    write_unmanaged_people("R", 100);
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  max_concurrency: 8"));
    server.set_mode({{"bulk", true}, {"latencyMs", 40}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    expect_one_account_each(100);
    // Two requests of 50; each create read back. With a sender per batch, two reads at a time
    // (a hundred round trips one after another); every worker takes them now.
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 2U);
    size_t read_backs = 0;
    for (const auto& request : server.requests())
        read_backs += request["method"] == "GET" &&
                      request["path"].get<std::string>().starts_with("/scim/v2/Users/");
    EXPECT_EQ(read_backs, 100U) << "each create read back once";
    EXPECT_GE(server.peak_in_flight(), 6) << "the read-backs go on every worker";
    EXPECT_LE(server.peak_in_flight(), 8) << "never more than target.max_concurrency";
    nothing_left_to_send();
}

TEST_F(BulkTest, ABulkRequestWithoutAnAnswerIsSplitNeverSentWholeAgain) {
    write_people(12);
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                "timeout_seconds: 20", "timeout_seconds: 2"));
    server.set_mode({{"bulk", true}});
    // The target commits the first Bulk request and its answer never comes (a closed
    // connection would be sent again by libcurl itself): its creates are looked up one by
    // one, never made twice.
    server.add_fault({{"method", "POST"}, {"after", true}, {"hang", true}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("got no answer"), std::string::npos) << result.err << result.out;
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 0U) << "the unanswered one is not counted";
    EXPECT_EQ(server.hanging(), 1);
    EXPECT_EQ(requests_to("POST", "/scim/v2/Users"), 0U) << "looked up first, not sent again";
    expect_one_account_each(12);
    expect_managers_linked();
    // Changes of an unanswered request are sent again in halves.
    write_people(12, "Engineer");
    server.clear_requests();
    server.add_fault({{"method", "POST"}, {"after", true}, {"hang", true}});
    auto changed = sync();
    ASSERT_EQ(changed.exit_code, 0) << changed.out << changed.err;
    EXPECT_EQ(server.hanging(), 2);
    EXPECT_EQ(requests_to("POST", "/scim/v2/Bulk"), 2U) << "after the lost one, two halves";
    for (const auto& user : server.users())
        EXPECT_EQ(user["title"], "Engineer");
    nothing_left_to_send();
}

TEST_F(DialectTest, ATargetBuiltForEntraGetsPatchAsEntraWritesIt) {
    write_people(4);
    server.set_mode({{"entraPatch", true}});
    ASSERT_EQ(sync().exit_code, 0);
    write_people(3, "Engineer"); // P1003 leaves: deactivated with active "False"
    auto plain = hr2scim({"sync", "--max-deactivations", "1"}, server.token());
    EXPECT_EQ(plain.exit_code, 2) << "RFC-style PATCH refused: " << plain.out << plain.err;
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  profile: entra"));
    auto result = hr2scim({"sync", "--max-deactivations", "1"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("P1003")["active"], false);
    EXPECT_EQ(server.user_with_external_id("P1001")["title"], "Engineer");
}

} // namespace
} // namespace hr2scim::testing
