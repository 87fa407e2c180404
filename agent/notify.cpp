#include "agent/notify.hpp"

#include "agent/approval.hpp"
#include "agent/run_metrics.hpp"
#include "http/http_client.hpp"
#include "http/secrets.hpp"
#include "state/group_plan.hpp"
#include "state/timestamp.hpp"

#include <algorithm>
#include <array>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace hr2scim::agent {
namespace {

std::string host_name() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0) return "unknown";
    return name.data();
}

// The withheld set an approval names, as `sync` prints it; none when no gate withheld
// anything an approval can release (a first run's stop, a failed source).
std::optional<WithheldNotice> withheld_notice(const NoticeInputs& inputs) {
    if (!inputs.run.plan) return std::nullopt;
    const auto& plan = *inputs.run.plan;
    const auto items = state::withheld_items(plan, inputs.run.groups);
    if (items.empty()) return std::nullopt;
    WithheldNotice withheld{.count = items.size(),
                            .digest = state::withheld_digest(plan, inputs.run.groups)};
    if (plan.stopped_by_gate && plan.withheld_reason)
        withheld.reason = *plan.withheld_reason;
    else if (inputs.run.groups && !inputs.run.groups->withheld_reasons.empty())
        withheld.reason = inputs.run.groups->withheld_reasons.front();
    withheld.approve =
        approve_command(inputs.config.file, inputs.config.target.name, withheld.digest);
    return withheld;
}

std::string summary(const RunNotice& notice, const NoticeInputs& inputs) {
    const auto& run = inputs.run;
    const std::string head = "hr2scim " + notice.command + " of target " + notice.target;
    switch (notice.event) {
    case NotifyEvent::withheld:
        if (notice.withheld)
            return head + ": a safety gate withheld " + std::to_string(notice.withheld->count) +
                   " operations (" + notice.withheld->reason + "); set " + notice.withheld->digest +
                   " waits for approval";
        return head +
               " stopped at a safety gate: " + run.stopped_because.value_or("the log says why");
    case NotifyEvent::abandoned:
        return head + ": the target was given up while sending (" +
               (run.tally && run.tally->abandoned ? *run.tally->abandoned : "the log says why") +
               "); " + std::to_string(notice.failures) + " operations failed or were not sent";
    case NotifyEvent::failed:
        return head + " failed: " + run.stopped_because.value_or("the log says why");
    case NotifyEvent::partial:
        break;
    }
    return head + " was partial: " + std::to_string(notice.failures) +
           " operations failed or were not sent, " + std::to_string(notice.rejected_records) +
           " records rejected";
}

bool worth_another_try(const tl::expected<http::Response, http::TransportError>& answer) {
    if (!answer) return !answer.error().local;
    return answer->status == 408 || answer->status == 429 || answer->status >= 500;
}

} // namespace

std::optional<NotifyEvent> notify_event(const RunFacts& facts, ExitCode code) {
    if (facts.interrupted && code == ExitCode::ok) return std::nullopt;
    if (facts.abandoned) return NotifyEvent::abandoned;
    switch (code) {
    case ExitCode::failed:
        return NotifyEvent::failed;
    case ExitCode::safety_stop:
        return NotifyEvent::withheld;
    case ExitCode::partial:
        return NotifyEvent::partial;
    default:
        return std::nullopt;
    }
}

RunNotice make_notice(NotifyEvent event, const NoticeInputs& inputs) {
    RunNotice notice{
        .event = event,
        .target = inputs.config.target.name,
        .command = inputs.command,
        .result = result_name(static_cast<int>(inputs.code), inputs.run.facts.interrupted),
        .exit_code = static_cast<int>(inputs.code),
        .started_at = state::to_timestamp(std::chrono::floor<std::chrono::seconds>(inputs.started)),
        .withheld = withheld_notice(inputs),
        .failures = inputs.run.facts.failed_operations + inputs.run.facts.failed_group_changes,
        .rejected_records = inputs.run.facts.rejected_records,
        .host = host_name()};
    notice.summary = summary(notice, inputs);
    return notice;
}

bool post_webhook(http::Transport& transport, const std::string& url, const std::string& body) {
    const http::Request request{.method = "POST",
                                .url = url,
                                .headers = {{"Content-Type", "application/json"}},
                                .body = body};
    for (int attempt = 1;; ++attempt) {
        const auto answer = transport.send(request);
        if (answer && answer->status >= 200 && answer->status < 300) return true;
        const std::string why = answer ? "HTTP " + std::to_string(answer->status)
                                       : http::redact_secrets(answer.error().message);
        if (attempt == 2 || !worth_another_try(answer)) {
            spdlog::warn("notify: the webhook was not told ({}); the run's result stands", why);
            return false;
        }
        spdlog::info("notify: the webhook answered {}; trying once more", why);
    }
}

void notify_webhooks(const NoticeInputs& inputs) {
    const auto event = notify_event(inputs.run.facts, inputs.code);
    if (!event || inputs.config.notify.empty()) return;
    try {
        const auto notice = make_notice(*event, inputs);
        for (const auto& webhook : inputs.config.notify) {
            if (std::ranges::find(webhook.on, *event) == webhook.on.end()) continue;
            try {
                http::ClientOptions options;
                options.connect_timeout = webhook.timeout;
                options.request_timeout = webhook.timeout;
                options.max_connections = 1;
                http::HttpClient client(std::move(options));
                // Reasons may hold what a server echoed: redacted as every line hr2scim writes.
                const auto body = http::redact_secrets(webhook_body(webhook.format, notice));
                if (post_webhook(client, resolve_webhook_url(webhook), body))
                    spdlog::info("notify: webhook told of the {} run", event_name(*event));
            } catch (const std::exception& error) {
                spdlog::warn("notify: {}; the run's result stands",
                             http::redact_secrets(error.what()));
            }
        }
    } catch (const std::exception& error) {
        spdlog::warn("notify: {}; the run's result stands", http::redact_secrets(error.what()));
    }
}

} // namespace hr2scim::agent
