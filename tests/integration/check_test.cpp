// hr2scim check: the target and the sources contacted, nothing written (issue 26, item 1).
#include "http/url.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hr2scim::testing {
namespace {

class CheckTest : public SyncTest {
  protected:
    size_t writes() {
        return server.count_requests("POST") + server.count_requests("PUT") +
               server.count_requests("PATCH") + server.count_requests("DELETE");
    }
};

TEST_F(CheckTest, AWorkingSetUpPassesAndWritesNothing) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    auto result = hr2scim({"check"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("  ok       credentials: target.token_env (HR2SCIM_TEST_TOKEN): "
                              "accepted (GET /Users: 10 users)"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("  ok       attributes: the target has every attribute the mapping "
                              "sets"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("Source  csv:"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("  ok       read: 10 records"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Check passed"), std::string::npos) << result.out;
    EXPECT_EQ(writes(), 0U) << server.requests().dump();
    EXPECT_EQ(server.count_requests("GET"), 1U) << "one user read, discovery aside";
}

// -o json: every check in one document for a monitoring script; the same verdict as the text.
TEST_F(CheckTest, AsJsonEveryCheckIsInOneDocument) {
    auto passed = hr2scim({"check", "-o", "json"}, server.token());
    ASSERT_EQ(passed.exit_code, 0) << passed.out << passed.err;
    const auto document = nlohmann::json::parse(passed.out);
    EXPECT_EQ(document["target"], "test");
    EXPECT_EQ(document["result"], "passed");
    EXPECT_EQ(document["problems"], 0);
    std::vector<std::string> checked;
    for (const auto& each : document["checks"]) {
        EXPECT_EQ(each["ok"], true) << each.dump();
        checked.push_back(each["what"].get<std::string>());
    }
    EXPECT_EQ(checked,
              (std::vector<std::string>{"discovery", "credentials", "attributes", "read"}));
    auto failed = hr2scim({"check", "--output", "json"}, "not-the-token");
    EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
    const auto refused = nlohmann::json::parse(failed.out);
    EXPECT_EQ(refused["result"], "failed");
    EXPECT_EQ(refused["exit_code"], 1);
    EXPECT_EQ(refused["checks"][0]["what"], "credentials");
    EXPECT_EQ(refused["checks"][0]["ok"], false);
    EXPECT_EQ(failed.out.find("not-the-token"), std::string::npos);
}

// The mistake validate cannot see: the token is read, but the target refuses it.
TEST_F(CheckTest, ARefusedTokenIsOneLineNamingTheSetting) {
    auto result = hr2scim({"check"}, "not-the-token");
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("  PROBLEM  credentials: "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("HTTP 401"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("put a valid token in target.token_env (HR2SCIM_TEST_TOKEN)"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("CHECK FAILED: 1 problem above."), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("not-the-token"), std::string::npos);
    EXPECT_EQ(result.err.find("not-the-token"), std::string::npos);
    EXPECT_EQ(writes(), 0U);
}

// Attributes the mapping sets that the target's /Schemas lack, and a source that cannot be
// read: each its own line, all found in one check.
TEST_F(CheckTest, AttributesTheTargetLacksAndAnUnreadableSourceAreEachNamed) {
    server.set_mode({{"lacks", {"title"}}});
    std::filesystem::remove(dir.path() / "hr.csv");
    auto result = hr2scim({"check"}, server.token());
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("  PROBLEM  attributes: "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find(" sets title, which the target's /Schemas lack"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("  PROBLEM  source: the read failed: "), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("CHECK FAILED: 2 problems above."), std::string::npos) << result.out;
    EXPECT_EQ(writes(), 0U);
}

// A bearer token that is a JWT about to expire is named, by check and by each sync, before the
// day the target refuses it. (The test server's own token is not a JWT: this one is refused,
// which check reports too.)
TEST_F(CheckTest, ATokenAboutToExpireIsNamedByCheckAndSync) {
    const auto in_under_three_days =
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::now() + std::chrono::hours(71)).time_since_epoch())
            .count();
    const std::string payload = R"({"exp":)" + std::to_string(in_under_three_days) + "}";
    std::string encoded = http::base64_encode(payload);
    while (encoded.back() == '=')
        encoded.pop_back();
    for (auto& c : encoded)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    const std::string token = "eyJhbGciOiJIUzI1NiJ9." + encoded + ".c2ln";
    auto checked = hr2scim({"check"}, token);
    EXPECT_EQ(checked.exit_code, 1) << checked.out << checked.err;
    EXPECT_NE(checked.out.find("  PROBLEM  token: target.token_env (HR2SCIM_TEST_TOKEN): the token "
                               "expires at "),
              std::string::npos)
        << checked.out;
    EXPECT_NE(checked.out.find("(in 2 days); renew it before then"), std::string::npos)
        << checked.out;
    auto synced = hr2scim({"sync"}, token);
    EXPECT_NE(synced.err.find("the token expires at "), std::string::npos) << synced.err;
    EXPECT_EQ(checked.out.find(token), std::string::npos);
    EXPECT_EQ(synced.err.find(token), std::string::npos);
}

} // namespace
} // namespace hr2scim::testing
