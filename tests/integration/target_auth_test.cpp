// OAuth2 client credentials against the test server's token endpoint: one token per run,
// kept while it is valid, fetched again once when the target refuses it; a wrong secret is
// one clear error before anything is sent, and never printed.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

class OAuthTest : public SyncTest {
  protected:
    OAuthTest() { use_oauth2(); }

    void use_oauth2() {
        auto config = read_file(dir.path() / "config.yaml");
        config = replace_once(config, "  token_env: HR2SCIM_TEST_TOKEN\n",
                              "  auth: oauth2\n"
                              "  token_url: " +
                                  server.base_url() +
                                  "/oauth/token\n"
                                  "  client_id: hr2scim\n"
                                  "  client_secret_env: HR2SCIM_TEST_CLIENT_SECRET\n");
        (void)dir.write("config.yaml", config);
    }

    ProcessResult sync_with(const std::string& secret) {
        std::vector<std::string> argv = {HR2SCIM_BINARY, "sync", "--config",
                                         (dir.path() / "config.yaml").string()};
        return run_process(argv, {{"HR2SCIM_TEST_CLIENT_SECRET", secret}});
    }
};

TEST_F(OAuthTest, OneTokenServesTheWholeRun) {
    auto result = sync_with(ScimTestServer::client_secret());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_EQ(server.token_requests(), 1) << "fetched once, kept for every request";
    EXPECT_EQ(result.out.find(ScimTestServer::client_secret()), std::string::npos);
    EXPECT_EQ(result.err.find(ScimTestServer::client_secret()), std::string::npos);
}

TEST_F(OAuthTest, ATokenRefusedMidRunIsReplacedOnceAndNothingIsLost) {
    server.set_mode({{"revokeAfter", 4}});
    auto result = sync_with(ScimTestServer::client_secret());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_EQ(server.token_requests(), 2) << "one refusal, one new token";
    size_t refused = 0;
    for (const auto& request : server.all_requests())
        refused += request["status"] == 401 ? 1 : 0;
    EXPECT_GE(refused, 1U);
    EXPECT_LE(refused, 8U) << "at most the requests in flight when it was revoked";
}

TEST_F(OAuthTest, AWrongSecretIsOneClearErrorAndNothingIsSent) {
    const std::string wrong = "not-the-secret-93c1";
    auto result = sync_with(wrong);
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("the OAuth2 token request to"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("HTTP 401"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find(wrong), std::string::npos);
    EXPECT_EQ(result.err.find(wrong), std::string::npos);
    EXPECT_EQ(server.users().size(), 0U);
    EXPECT_EQ(server.count_requests("POST"), 1U) << "only the token request";
}

// A token too large for a header (1 MiB, 16 MiB) is refused by name when it arrives, before
// anything is sent with it; it used to be sent, fail inside libcurl, be retried, and hang.
TEST_F(OAuthTest, AHugeTokenEndsTheRunWithAClearErrorInBoundedTime) {
    for (const int size : {1 << 20, 16 << 20}) {
        server.reset();
        server.set_mode({{"hugeToken", size}});
        const int tokens_before = server.token_requests(); // not reset by reset()
        auto result =
            run_process({"timeout", "-s", "KILL", "60", HR2SCIM_BINARY, "sync", "--config",
                         (dir.path() / "config.yaml").string()},
                        {{"HR2SCIM_TEST_CLIENT_SECRET", ScimTestServer::client_secret()}});
        ASSERT_NE(result.exit_code, 137) << "killed after 60 s: the run hung";
        EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
        EXPECT_NE(result.out.find("answered with an access_token of " + std::to_string(size) +
                                  " bytes, more than 32768; refused"),
                  std::string::npos)
            << result.out.substr(0, 2000);
        EXPECT_EQ(server.token_requests() - tokens_before, 1);
        const auto seen = server.all_requests();
        ASSERT_EQ(seen.size(), 1U) << "nothing was sent with the token: " << seen.dump();
        EXPECT_EQ(seen[0]["path"], "/oauth/token");
        EXPECT_EQ(server.users().size(), 0U);
    }
}

TEST_F(SyncTest, BasicAuthenticationSendsTheUserAndPasswordAndNeverPrintsThem) {
    auto config =
        replace_once(read_file(dir.path() / "config.yaml"), "  token_env: HR2SCIM_TEST_TOKEN\n",
                     "  auth: basic\n  username: hr2scim\n"
                     "  password_env: HR2SCIM_TEST_PASSWORD\n");
    (void)dir.write("config.yaml", config);
    auto run = [&](const std::string& password) {
        return run_process(
            {HR2SCIM_BINARY, "sync", "--config", (dir.path() / "config.yaml").string()},
            {{"HR2SCIM_TEST_PASSWORD", password}});
    };
    auto refused = run("wrong-password-51d2");
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("HTTP 401"), std::string::npos) << refused.out;
    EXPECT_EQ(refused.out.find("wrong-password-51d2"), std::string::npos);
    EXPECT_EQ(server.users().size(), 0U);
    auto result = run(ScimTestServer::client_secret());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_EQ(result.err.find(ScimTestServer::client_secret()), std::string::npos);
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// check reaches the token endpoint and says how long its tokens live (issue 26, item 1).
TEST_F(OAuthTest, CheckNamesTheTokenEndpointAndTheTokensLifetime) {
    server.set_mode({{"tokenLifetime", 900}});
    std::vector<std::string> argv = {HR2SCIM_BINARY, "check", "--config",
                                     (dir.path() / "config.yaml").string()};
    auto result =
        run_process(argv, {{"HR2SCIM_TEST_CLIENT_SECRET", ScimTestServer::client_secret()}});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("  ok       credentials: target.token_url (" + server.base_url() +
                              "/oauth/token) gave an access token for target.client_id hr2scim, "
                              "valid for 900 s: accepted"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.token_requests(), 1);
    auto refused = run_process(argv, {{"HR2SCIM_TEST_CLIENT_SECRET", "wrong"}});
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("  PROBLEM  "), std::string::npos) << refused.out;
    EXPECT_EQ(refused.out.find(ScimTestServer::client_secret()), std::string::npos);
}

} // namespace
} // namespace hr2scim::testing
