// A target that is broken, compromised or impersonated must not be able to take the token,
// crash the agent, end the whole run with one answer, or make it record what did not happen.
// Each case is an injected answer on the real SCIM server; results are read back from it.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

TEST_F(SyncTest, AnErrorThatEchoesTheRequestDoesNotShowTheToken) {
    server.add_fault({{"method", "POST"}, {"status", 400}, {"echo", true}});
    auto result = hr2scim({"sync", "--log-level", "trace"}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("Bearer REDACTED"), std::string::npos)
        << "the echo is shown, redacted: " << result.out;
    EXPECT_EQ(result.out.find(server.token()), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find(server.token()), std::string::npos) << result.err;
    EXPECT_EQ(server.users().size(), 9U);
}

TEST_F(SyncTest, ADeeplyNestedAnswerFailsThatOperationNotTheAgent) {
    server.add_fault({{"method", "POST"},
                      {"status", 201},
                      {"raw", std::string(100000, '[') + std::string(100000, ']')}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("nests JSON more than 64 levels deep"), std::string::npos)
        << result.out;
    EXPECT_EQ(server.users().size(), 9U) << "the other nine are created";
}

TEST_F(SyncTest, GarbageFailsThatOperationAndTheRestApply) {
    server.add_fault(
        {{"method", "POST"}, {"status", 200}, {"raw", "<html><body>Gateway says hi</body>"}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("not valid JSON"), std::string::npos) << result.out;
    EXPECT_EQ(server.users().size(), 9U);
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.users().size(), 10U);
}

TEST_F(SyncTest, ACreateAnsweredWithoutAnIdIsLookedUpNextRunNotDuplicated) {
    // The server commits the user, then answers with "id": "".
    server.add_fault({{"method", "POST"}, {"after", true}, {"set", {{"id", ""}}}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("without a usable id"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("could not be used"), std::string::npos)
        << "one answer does not end the run";
    EXPECT_EQ(server.users().size(), 10U);

    // Next run: its look-up answers "id": null, then "id": "": neither is adopted or used in a URL.
    server.clear_requests();
    server.add_fault({{"method", "GET"}, {"after", true}, {"set", {{"id", nullptr}}}});
    result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("without a usable id; not adopted"), std::string::npos) << result.out;
    server.add_fault({{"method", "GET"}, {"after", true}, {"set", {{"id", ""}}}});
    result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    for (const auto& seen : server.requests())
        EXPECT_NE(seen["path"], "/scim/v2/Users/") << seen.dump();

    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U) << "no duplicate";
    EXPECT_EQ(server.count_answered("POST", 201), 0U) << "found by look-up, not created again";
    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.requests().size(), 0U);
}

TEST_F(SyncTest, AnAbsurdRetryAfterGivesUpOnThatRequestAtOnce) {
    server.add_fault({{"method", "POST"}, {"status", 429}, {"retryAfter", "10000000000000000"}});
    server.add_fault(
        {{"method", "POST"}, {"status", 503}, {"retryAfter", "Fri, 31 Dec 9999 23:59:59 GMT"}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("longer than a retry may wait"), std::string::npos) << result.out;
    EXPECT_EQ(server.users().size(), 8U) << "two gave up, the rest were created";
    EXPECT_EQ(server.count_answered("POST", 429) + server.count_answered("POST", 503), 2U)
        << "not retried";
}

} // namespace
} // namespace hr2scim::testing
