// What a run is notified as, the three body shapes, the webhook config, and one retry at most.

#include "agent/config.hpp"
#include "agent/notify.hpp"
#include "tests/support/fake_transport.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hr2scim::agent {
namespace {

using testing::FakeTransport;
using testing::Reply;

TEST(NotifyEvent, OkInterruptedAndChangesPendingTellNobody) {
    EXPECT_EQ(notify_event({}, ExitCode::ok), std::nullopt);
    EXPECT_EQ(notify_event({.interrupted = true}, ExitCode::ok), std::nullopt);
    EXPECT_EQ(notify_event({.changes_pending = true}, ExitCode::changes_pending), std::nullopt);
}

TEST(NotifyEvent, EachOtherResultIsItsEventAndTheBreakerComesFirst) {
    EXPECT_EQ(notify_event({.gate_stopped = true}, ExitCode::safety_stop), NotifyEvent::withheld);
    EXPECT_EQ(notify_event({.target_unusable = true}, ExitCode::failed), NotifyEvent::failed);
    EXPECT_EQ(notify_event({.failed_operations = 1}, ExitCode::partial), NotifyEvent::partial);
    EXPECT_EQ(notify_event({.abandoned = true}, ExitCode::failed), NotifyEvent::abandoned);
    // A run interrupted with failures is still partial.
    EXPECT_EQ(notify_event({.failed_operations = 1, .interrupted = true}, ExitCode::partial),
              NotifyEvent::partial);
}

RunNotice withheld_notice() {
    return {.event = NotifyEvent::withheld,
            .target = "okta",
            .command = "sync",
            .result = "safety_stop",
            .exit_code = 3,
            .started_at = "2024-05-01T02:00:00Z",
            .summary = "hr2scim sync of target okta: a safety gate withheld 12 operations",
            .withheld = WithheldNotice{.count = 12,
                                       .digest = "0123456789ab",
                                       .reason = "12 deactivations exceed the limit of 10",
                                       .approve = "hr2scim sync -c /etc/hr2scim/config.yaml "
                                                  "--target okta --approve-withheld 0123456789ab"},
            .host = "hr-sync-1"};
}

TEST(WebhookBody, TheGenericBodySaysEverythingAScriptNeeds) {
    const auto body = nlohmann::json::parse(webhook_body(WebhookFormat::json, withheld_notice()));
    EXPECT_EQ(body["event"], "withheld");
    EXPECT_EQ(body["target"], "okta");
    EXPECT_EQ(body["result"], "safety_stop");
    EXPECT_EQ(body["exit_code"], 3);
    EXPECT_EQ(body["started_at"], "2024-05-01T02:00:00Z");
    EXPECT_EQ(body["withheld"]["count"], 12);
    EXPECT_EQ(body["withheld"]["digest"], "0123456789ab");
    EXPECT_EQ(body["withheld"]["approve"], withheld_notice().withheld->approve);
    EXPECT_EQ(body["failures"], 0);
    EXPECT_EQ(body["host"], "hr-sync-1");
}

TEST(WebhookBody, SlackGetsOneTextWithTheApproveCommandAsCode) {
    const auto body = nlohmann::json::parse(webhook_body(WebhookFormat::slack, withheld_notice()));
    ASSERT_EQ(body.size(), 1U);
    const std::string text = body["text"];
    EXPECT_TRUE(text.starts_with(withheld_notice().summary)) << text;
    EXPECT_NE(text.find("`" + withheld_notice().withheld->approve + "`"), std::string::npos)
        << text;
}

TEST(WebhookBody, TeamsGetsAMessageCardWithFacts) {
    const auto body = nlohmann::json::parse(webhook_body(WebhookFormat::teams, withheld_notice()));
    EXPECT_EQ(body["@type"], "MessageCard");
    EXPECT_EQ(body["summary"], withheld_notice().summary);
    bool approve = false;
    for (const auto& fact : body["sections"][0]["facts"])
        approve |=
            fact["name"] == "Approve with" && fact["value"] == withheld_notice().withheld->approve;
    EXPECT_TRUE(approve) << body.dump();
}

TEST(PostWebhook, A500IsTriedOnceMoreAndA400IsNot) {
    FakeTransport transport("https://hooks.test");
    transport.on("POST", "/a", Reply::empty(500), 1);
    transport.on("POST", "/a", Reply::empty(200));
    EXPECT_TRUE(post_webhook(transport, "https://hooks.test/a", "{}"));
    EXPECT_EQ(transport.count("POST", "/a"), 2U);

    transport.on("POST", "/b", Reply::empty(400));
    EXPECT_FALSE(post_webhook(transport, "https://hooks.test/b", "{}"));
    EXPECT_EQ(transport.count("POST", "/b"), 1U);

    transport.on("POST", "/c", Reply::none());
    EXPECT_FALSE(post_webhook(transport, "https://hooks.test/c", "{}"));
    EXPECT_EQ(transport.count("POST", "/c"), 2U) << "two tries, no more";
    const auto sent = transport.requests().back();
    EXPECT_EQ(sent.header("Content-Type"), "application/json");
}

Config parsed(const std::string& notify) {
    return parse_config("source:\n  type: csv\n  path: hr.csv\n  key_column: id\n"
                        "mapping: m.yaml\ntarget:\n  name: t\n  url: https://t.test/scim\n"
                        "  token_env: T\nstate: s.db\nnotify:\n" +
                            notify,
                        "/etc/hr2scim/config.yaml");
}

TEST(NotifyConfig, AWebhookNamesItsUrlAndTheEventsItWants) {
    const auto config = parsed("  - url_env: SLACK_URL\n    format: slack\n    on: [withheld]\n"
                               "  - url_file: hook.url\n");
    ASSERT_EQ(config.notify.size(), 2U);
    EXPECT_EQ(config.notify[0].url_env, "SLACK_URL");
    EXPECT_EQ(config.notify[0].format, WebhookFormat::slack);
    EXPECT_EQ(config.notify[0].on, std::vector<NotifyEvent>{NotifyEvent::withheld});
    EXPECT_EQ(config.notify[1].url_file, "/etc/hr2scim/hook.url");
    EXPECT_EQ(config.notify[1].format, WebhookFormat::json);
    EXPECT_EQ(config.notify[1].on.size(), 4U) << "every event by default";
    EXPECT_EQ(config.notify[1].timeout, std::chrono::seconds(10));
}

TEST(NotifyConfig, AnInlineUrlAMisspeltEventOrFormatIsRefused) {
    EXPECT_THROW(
        {
            try {
                (void)parsed("  - url: https://hooks.slack.com/services/T0/B0/x\n");
            } catch (const ConfigError& error) {
                EXPECT_NE(std::string(error.what()).find("url_env or url_file"), std::string::npos)
                    << error.what();
                EXPECT_EQ(std::string(error.what()).find("hooks.slack.com"), std::string::npos);
                throw;
            }
        },
        ConfigError);
    EXPECT_THROW((void)parsed("  - url_env: X\n    on: [withold]\n"), ConfigError);
    EXPECT_THROW((void)parsed("  - url_env: X\n    format: discord\n"), ConfigError);
    EXPECT_THROW((void)parsed("  - format: slack\n"), ConfigError);
    EXPECT_THROW((void)parsed("  - url_env: X\n    url_file: y\n"), ConfigError);
}

TEST(NotifyConfig, AWebhookUrlIsHttpsOrPlainHttpOnlyToThisMachine) {
    WebhookConfig webhook{.url_env = "HR2SCIM_NOTIFY_TEST_URL"};
    const auto url_is = [&](const char* url) {
        ::setenv("HR2SCIM_NOTIFY_TEST_URL", url, 1);
        try {
            return resolve_webhook_url(webhook) == url;
        } catch (const ConfigError&) {
            return false;
        }
    };
    EXPECT_TRUE(url_is("https://hooks.slack.com/services/T0/B0/abcdef"));
    EXPECT_TRUE(url_is("http://127.0.0.1:8080/hook"));
    EXPECT_TRUE(url_is("http://localhost/hook"));
    EXPECT_TRUE(url_is("http://[::1]:9/hook"));
    EXPECT_FALSE(url_is("http://hooks.example.test/hook"));
    EXPECT_FALSE(url_is("http://127.0.0.1.evil.test/hook"));
    EXPECT_FALSE(url_is("ftp://127.0.0.1/hook"));
    ::unsetenv("HR2SCIM_NOTIFY_TEST_URL");
    EXPECT_THROW((void)resolve_webhook_url(webhook), ConfigError);
}

} // namespace
} // namespace hr2scim::agent
