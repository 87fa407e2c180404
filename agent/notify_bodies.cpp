#include "agent/notify_bodies.hpp"

#include <nlohmann/json.hpp>

namespace hr2scim::agent {
namespace {

nlohmann::ordered_json generic_body(const RunNotice& notice) {
    nlohmann::ordered_json body = {{"event", std::string(event_name(notice.event))},
                                   {"target", notice.target},
                                   {"command", notice.command},
                                   {"result", notice.result},
                                   {"exit_code", notice.exit_code},
                                   {"started_at", notice.started_at},
                                   {"summary", notice.summary}};
    if (notice.withheld)
        body["withheld"] = {{"count", notice.withheld->count},
                            {"digest", notice.withheld->digest},
                            {"reason", notice.withheld->reason},
                            {"approve", notice.withheld->approve}};
    body["failures"] = notice.failures;
    body["rejected_records"] = notice.rejected_records;
    body["host"] = notice.host;
    return body;
}

// The summary, then the approve command on a line of its own in code style: Slack's incoming
// webhooks take {"text": ...} in its mrkdwn, where `...` is code
// (https://api.slack.com/messaging/webhooks, "Posting a message with Incoming Webhooks").
nlohmann::ordered_json slack_body(const RunNotice& notice) {
    std::string text = notice.summary + " (" + notice.host + ", started " + notice.started_at + ")";
    if (notice.withheld && !notice.withheld->approve.empty())
        text +=
            "\nAfter reviewing `hr2scim plan`, approve with: `" + notice.withheld->approve + "`";
    return {{"text", text}};
}

// Teams' incoming webhooks take a MessageCard ("Create Incoming Webhooks", Microsoft Learn:
// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook,
// and the legacy actionable message card reference): @type, @context, summary (required when
// there is no text), themeColor, title, text, and sections of facts.
nlohmann::ordered_json teams_body(const RunNotice& notice) {
    auto facts = nlohmann::ordered_json::array();
    auto fact = [&facts](const std::string& name, const std::string& value) {
        facts.push_back({{"name", name}, {"value", value}});
    };
    fact("Target", notice.target);
    fact("Result", notice.result + " (exit " + std::to_string(notice.exit_code) + ")");
    fact("Started", notice.started_at);
    fact("Host", notice.host);
    if (notice.failures > 0) fact("Failures", std::to_string(notice.failures));
    if (notice.withheld) {
        fact("Withheld", std::to_string(notice.withheld->count));
        fact("Digest", notice.withheld->digest);
        if (!notice.withheld->approve.empty()) fact("Approve with", notice.withheld->approve);
    }
    return {
        {"@type", "MessageCard"},
        {"@context", "https://schema.org/extensions"},
        {"summary", notice.summary},
        {"themeColor", notice.event == NotifyEvent::withheld ? "FFA500" : "D70000"},
        {"title", "hr2scim: " + std::string(event_name(notice.event)) + " run of " + notice.target},
        {"text", notice.summary},
        {"sections", nlohmann::ordered_json::array({{{"facts", facts}}})}};
}

} // namespace

std::string_view event_name(NotifyEvent event) {
    switch (event) {
    case NotifyEvent::withheld:
        return "withheld";
    case NotifyEvent::failed:
        return "failed";
    case NotifyEvent::partial:
        return "partial";
    case NotifyEvent::abandoned:
        return "abandoned";
    }
    return "failed";
}

std::string webhook_body(WebhookFormat format, const RunNotice& notice) {
    const auto body = format == WebhookFormat::slack   ? slack_body(notice)
                      : format == WebhookFormat::teams ? teams_body(notice)
                                                       : generic_body(notice);
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace hr2scim::agent
