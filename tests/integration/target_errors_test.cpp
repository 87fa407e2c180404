// What the agent does when the target misbehaves or a run dies half-way.

#include "state/sqlite.hpp"
#include "state/state_store.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <regex>
#include <sys/stat.h>

namespace hr2scim::testing {
namespace {

TEST_F(SyncTest, AWrongTokenIsReportedClearlyAndTheRunFails) {
    const std::string wrong = "wrong-token-7c1e55a9";
    auto result = hr2scim({"sync"}, wrong);

    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("HTTP 401"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("check target.token_env"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("NOT SENT: the target " + server.scim_url() + " cannot be used"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.users().size(), 0U);
    EXPECT_EQ(server.all_requests().size(), 1U) << "one refusal is enough to stop";
    EXPECT_EQ(server.discovery_requests().size(), 1U) << "and it is the preflight";
    EXPECT_EQ(result.out.find(wrong), std::string::npos);
    EXPECT_EQ(result.err.find(wrong), std::string::npos);
}

TEST_F(SyncTest, TheTokenNeverReachesOutputOrState) {
    auto result = hr2scim({"sync", "--log-level", "trace"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out.find(server.token()), std::string::npos);
    EXPECT_EQ(result.err.find(server.token()), std::string::npos);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(read_file(entry.path()).find(server.token()), std::string::npos) << entry.path();
}

TEST_F(SyncTest, AMissingTokenVariableFailsBeforeAnythingIsSent) {
    write_config({}, "HR2SCIM_UNSET_TOKEN_VARIABLE");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("HR2SCIM_UNSET_TOKEN_VARIABLE (target.token_env) is not set"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(server.requests().size(), 0U);
}

TEST_F(SyncTest, TheStateFileIsPrivate) {
    ASSERT_EQ(sync().exit_code, 0);
    struct stat info {};
    ASSERT_EQ(::stat(state_file().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
}

TEST_F(SyncTest, BusyAnswersAreRetriedHonouringRetryAfter) {
    // On creates: the first run's one look at whether the target holds users is not among them.
    server.add_fault({{"method", "POST"}, {"status", 503}, {"retryAfter", 0}});
    server.add_fault({{"method", "POST"}, {"status", 429}, {"retryAfter", 0}});

    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U);
    auto seen = server.requests();
    ASSERT_GE(seen.size(), 13U);
    EXPECT_EQ(seen[0]["method"], "GET") << "does the target hold users?";
    EXPECT_EQ(seen[1]["status"], 503);
    EXPECT_EQ(seen[2]["status"], 429);
    EXPECT_EQ(seen[3]["status"], 201);
}

TEST_F(SyncTest, APermanentErrorFailsOneOperationAndTheRestApply) {
    server.add_fault({{"method", "POST"},
                      {"status", 400},
                      {"body",
                       {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
                        {"status", "400"},
                        {"scimType", "invalidValue"},
                        {"detail", "title is too long"}}}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    // Creates run concurrently: whichever reached the server first got the 400.
    std::smatch refused;
    ASSERT_TRUE(std::regex_search(
        result.out, refused,
        std::regex("create (E10\\d\\d): HTTP 400 invalidValue: title is too long")))
        << result.out;
    EXPECT_EQ(server.users().size(), 9U);
    EXPECT_TRUE(server.user_with_external_id(refused[1]).is_null()) << refused[1];

    // The failed create is not journaled as pending: the next run simply creates it.
    server.clear_requests();
    auto next = sync();
    EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_EQ(server.count_requests("POST"), 1U);
}

TEST_F(SyncTest, ACreateWhoseAnswerWasLostIsLookedUpNotSentTwice) {
    ASSERT_EQ(sync().exit_code, 0);
    {
        // The state as a crash leaves it: the POST was journaled, sent and committed by the
        // server, but the answer never reached the state.
        state::Database db(state_file());
        db.execute("UPDATE resources SET status = 'pending_create', scim_id = NULL WHERE "
                   "source_key = 'E1003'");
    }
    server.clear_requests();
    write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U) << "no duplicate";
    EXPECT_EQ(server.count_requests("POST"), 0U);
    EXPECT_EQ(server.count_requests("GET"), 2U)
        << "one look-up by externalId, one read before the adoption's PUT";
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore");

    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.requests().size(), 0U) << "resolved for good";
}

TEST_F(SyncTest, AnUnreachableTargetFailsTheRun) {
    {
        ScimTestServer gone;
        (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                    server.scim_url(), gone.scim_url()));
    } // stopped: nothing listens on its port now
    auto config = read_file(dir.path() / "config.yaml");
    (void)dir.write("config.yaml", replace_once(config, "timeout_seconds: 20",
                                                "timeout_seconds: 5\n  max_retries: 0"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("no answer"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("NOT SENT: the target"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("Applied to target"), std::string::npos)
        << "no operation is tried: " << result.out;
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

TEST_F(SyncTest, ATokenFileOthersCanReadIsRefusedWithTheFix) {
    auto token_file = dir.write("token", server.token() + "\n");
    ::chmod(token_file.c_str(), 0644);
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"),
                                 "token_env: HR2SCIM_TEST_TOKEN", "token_file: token"));
    auto result = sync();
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("chmod 600 " + token_file.string()), std::string::npos) << result.err;
    EXPECT_EQ(server.requests().size(), 0U);
    ::chmod(token_file.c_str(), 0600);
    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(server.users().size(), 10U);
}

} // namespace
} // namespace hr2scim::testing
