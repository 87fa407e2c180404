// `notify:` webhooks, told by the real binary after a real sync, as a local receiver
// (tests/webhook_receiver/receiver.mjs) records them: once for a withheld set (with the digest
// `plan` prints and the command that approves it), a failed, a partial or an abandoned run;
// never for an ok run; never with a secret in the body; and never changing the run's exit code.

#include "http/http_client.hpp"
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/node_server.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <regex>

namespace hr2scim::testing {
namespace {

class WebhookReceiver {
  public:
    WebhookReceiver()
        : m_server("tests/webhook_receiver/receiver.mjs", {}), m_http(http::ClientOptions{}) {}

    // POST here: `answer` is ok (200), fail (500) or hang (no answer).
    [[nodiscard]] std::string url(const std::string& answer) const {
        return "http://127.0.0.1:" + std::to_string(m_server.port()) + "/" + answer;
    }

    // [{path, contentType, body}], oldest first.
    [[nodiscard]] nlohmann::json received() {
        auto response = m_http.send({"GET", url("received"), {}, {}});
        if (!response) throw std::runtime_error("receiver: " + response.error().message);
        return nlohmann::json::parse(response->body);
    }

  private:
    NodeServer m_server;
    http::HttpClient m_http;
};

// The export with Alan Turing, Katherine Johnson and Edsger Dijkstra gone.
std::string three_leave(std::string csv) {
    for (const char* key : {"E1004,", "E1005,", "E1006,"})
        csv = without_line(csv, key);
    return csv;
}

std::string digest_in(const std::string& out) {
    std::smatch found;
    return std::regex_search(out, found, std::regex("Withheld set ([0-9a-f]+)")) ? found[1].str()
                                                                                 : "";
}

class NotifyTest : public SyncTest {
  protected:
    // A config with `notify` (a YAML list, indented as the top level's) and `safety`.
    void write_notify_config(const std::string& notify, const std::string& safety = {}) {
        write_config(safety + "notify:\n" + notify);
    }

    ProcessResult sync_as(const std::string& token, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> arguments = {"sync"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        std::vector<std::string> argv = {HR2SCIM_BINARY};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        argv.insert(argv.end(), {"--config", (dir.path() / "config.yaml").string()});
        return run_process(argv, {{"HR2SCIM_TEST_TOKEN", token},
                                  {"HOOK_OK", receiver.url("ok")},
                                  {"HOOK_SLACK", receiver.url("ok/slack")},
                                  {"HOOK_TEAMS", receiver.url("ok/teams")},
                                  {"HOOK_FAIL", receiver.url("fail")},
                                  {"HOOK_HANG", receiver.url("hang")}});
    }

    // Neither the target's token, nor a wrong one tried, nor any webhook's URL.
    void expect_no_secret(const std::string& text) {
        EXPECT_EQ(text.find(server.token()), std::string::npos) << text;
        EXPECT_EQ(text.find("wrong-token-5e8a1c"), std::string::npos) << text;
        EXPECT_EQ(text.find(receiver.url("")), std::string::npos) << text;
    }

    WebhookReceiver receiver;
};

TEST_F(NotifyTest, AWithheldRunPostsOnceWithThePlansDigestAndTheApproveCommand) {
    write_notify_config("  - url_env: HOOK_OK\n", "safety:\n  max_deactivations: 2\n");
    ASSERT_EQ(sync_as(server.token()).exit_code, 0);
    write_csv(three_leave(example_csv()));
    ASSERT_EQ(sync_as(server.token()).exit_code, 0); // absent once: the next read confirms it
    EXPECT_EQ(receiver.received().size(), 0U) << "ok runs tell nobody";
    const auto reviewed = plan();
    const auto digest = digest_in(reviewed.out);
    ASSERT_EQ(digest.size(), 12U) << reviewed.out;

    const auto withheld = sync_as(server.token());
    EXPECT_EQ(withheld.exit_code, 3) << withheld.out << withheld.err;
    const auto received = receiver.received();
    ASSERT_EQ(received.size(), 1U) << received.dump();
    EXPECT_EQ(received[0]["path"], "/ok");
    EXPECT_EQ(received[0]["contentType"], "application/json");
    const auto body = nlohmann::json::parse(received[0]["body"].get<std::string>());
    EXPECT_EQ(body["event"], "withheld");
    EXPECT_EQ(body["target"], "test");
    EXPECT_EQ(body["result"], "safety_stop");
    EXPECT_EQ(body["exit_code"], 3);
    EXPECT_EQ(body["withheld"]["count"], 3);
    EXPECT_EQ(body["withheld"]["digest"], digest);
    EXPECT_NE(body["withheld"]["reason"].get<std::string>().find("exceed the limit of 2"),
              std::string::npos)
        << body.dump();
    const std::string approve = body["withheld"]["approve"];
    EXPECT_EQ(approve, "hr2scim sync -c " + (dir.path() / "config.yaml").string() +
                           " --target test --approve-withheld " + digest);
    expect_no_secret(received[0]["body"]);

    // The command it names approves the set; that run is ok and tells nobody.
    const auto approved =
        sync_as(server.token(), {"--target", "test", "--approve-withheld", digest});
    EXPECT_EQ(approved.exit_code, 0) << approved.out << approved.err;
    EXPECT_EQ(server.active_users(), 7U);
    EXPECT_EQ(receiver.received().size(), 1U);
}

TEST_F(NotifyTest, AFailedRunPostsFailedWithoutAnySecret) {
    write_notify_config("  - url_env: HOOK_OK\n");
    const auto failed = sync_as("wrong-token-5e8a1c");
    EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
    const auto received = receiver.received();
    ASSERT_EQ(received.size(), 1U) << received.dump();
    const auto body = nlohmann::json::parse(received[0]["body"].get<std::string>());
    EXPECT_EQ(body["event"], "failed");
    EXPECT_EQ(body["result"], "failed");
    EXPECT_EQ(body["exit_code"], 1);
    EXPECT_FALSE(body.contains("withheld"));
    expect_no_secret(received[0]["body"]);
    expect_no_secret(failed.out + failed.err);
}

TEST_F(NotifyTest, APartialRunPostsPartialWithItsFailures) {
    write_notify_config("  - url_env: HOOK_OK\n");
    server.add_fault({{"method", "POST"}, {"status", 400}});
    const auto partial = sync_as(server.token());
    EXPECT_EQ(partial.exit_code, 2) << partial.out << partial.err;
    const auto received = receiver.received();
    ASSERT_EQ(received.size(), 1U) << received.dump();
    const auto body = nlohmann::json::parse(received[0]["body"].get<std::string>());
    EXPECT_EQ(body["event"], "partial");
    EXPECT_EQ(body["result"], "partial");
    EXPECT_EQ(body["failures"], 1);
}

TEST_F(NotifyTest, ATargetGivenUpWhileSendingPostsAbandoned) {
    write_notify_config("  - url_env: HOOK_OK\n");
    server.add_fault({{"method", "POST"}, {"status", 401}});
    const auto abandoned = sync_as(server.token());
    EXPECT_EQ(abandoned.exit_code, 1) << abandoned.out << abandoned.err;
    const auto received = receiver.received();
    ASSERT_EQ(received.size(), 1U) << received.dump();
    const auto body = nlohmann::json::parse(received[0]["body"].get<std::string>());
    EXPECT_EQ(body["event"], "abandoned");
    EXPECT_EQ(body["result"], "failed");
    expect_no_secret(received[0]["body"]);
}

TEST_F(NotifyTest, SlackAndTeamsAreToldInTheirOwnShapesAndOnlyOfWhatTheyAskFor) {
    write_notify_config("  - url_env: HOOK_SLACK\n    format: slack\n"
                        "  - url_env: HOOK_TEAMS\n    format: teams\n"
                        "  - url_env: HOOK_OK\n    on: [withheld]\n");
    const auto failed = sync_as("wrong-token-5e8a1c");
    EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
    const auto received = receiver.received();
    ASSERT_EQ(received.size(), 2U)
        << "the json webhook asked for withheld runs only: " << received.dump();
    for (const auto& post : received)
        expect_no_secret(post["body"]);
    const auto slack = nlohmann::json::parse(received[0]["body"].get<std::string>());
    EXPECT_EQ(received[0]["path"], "/ok/slack");
    ASSERT_EQ(slack.size(), 1U) << slack.dump();
    ASSERT_TRUE(slack["text"].is_string()) << slack.dump();
    EXPECT_NE(slack["text"].get<std::string>().find("of target test failed"), std::string::npos)
        << slack.dump();
    const auto teams = nlohmann::json::parse(received[1]["body"].get<std::string>());
    EXPECT_EQ(received[1]["path"], "/ok/teams");
    EXPECT_EQ(teams["@type"], "MessageCard");
    EXPECT_EQ(teams["@context"], "https://schema.org/extensions");
    EXPECT_TRUE(teams["summary"].is_string() && !teams["summary"].get<std::string>().empty());
    ASSERT_TRUE(teams["sections"].is_array()) << teams.dump();
    ASSERT_TRUE(teams["sections"][0]["facts"].is_array()) << teams.dump();
    EXPECT_EQ(teams["sections"][0]["facts"][0]["name"], "Target");
    EXPECT_EQ(teams["sections"][0]["facts"][0]["value"], "test");
}

TEST_F(NotifyTest, AReceiverThatFailsOrHangsNeverChangesTheExitCode) {
    write_notify_config("  - url_env: HOOK_FAIL\n"
                        "  - url_env: HOOK_HANG\n    timeout_seconds: 1\n"
                        "  - url_env: HOOK_UNSET\n");
    server.add_fault({{"method", "POST"}, {"status", 400}});
    const auto started = std::chrono::steady_clock::now();
    const auto partial = sync_as(server.token());
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(partial.exit_code, 2) << partial.out << partial.err;
    EXPECT_LT(took, std::chrono::seconds(20)) << "two tries of 1 s for the hanging receiver";
    const auto received = receiver.received();
    size_t failing = 0;
    size_t hanging = 0;
    for (const auto& post : received) {
        failing += post["path"] == "/fail" ? 1 : 0;
        hanging += post["path"] == "/hang" ? 1 : 0;
    }
    EXPECT_EQ(failing, 2U) << "a 500 is tried once more, no more";
    EXPECT_EQ(hanging, 2U) << "no answer is tried once more, no more";
    const auto log = partial.out + partial.err;
    EXPECT_NE(log.find("notify: the webhook was not told (HTTP 500)"), std::string::npos) << log;
    EXPECT_NE(log.find("HOOK_UNSET (notify.url_env) is not set"), std::string::npos) << log;
    expect_no_secret(log);
}

TEST_F(NotifyTest, APlainHttpWebhookElsewhereThanThisMachineIsRefusedAndTheRunStands) {
    write_notify_config("  - url_env: HOOK_OK\n");
    std::vector<std::string> argv = {HR2SCIM_BINARY, "sync", "--config",
                                     (dir.path() / "config.yaml").string()};
    const auto result = run_process(argv, {{"HR2SCIM_TEST_TOKEN", "wrong-token-5e8a1c"},
                                           {"HOOK_OK", "http://hooks.example.test/x"}});
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE((result.out + result.err).find("a webhook URL must start with https://"),
              std::string::npos)
        << result.out << result.err;
    EXPECT_EQ((result.out + result.err).find("hooks.example.test"), std::string::npos)
        << "the URL is a secret: " << result.out << result.err;
}

} // namespace
} // namespace hr2scim::testing
