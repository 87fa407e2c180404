#pragma once
// `notify:`: after a run closes, the webhooks that asked for what happened are told, once per
// run: a withheld set (with its digest and the command that approves it), a failed run, a
// partial one, a target the breaker gave up. An ok run and an interrupted one (a routine
// restart) tell nobody. A webhook that fails is a warning in the log: the run's exit code
// never changes for it, and each webhook is given at most two tries of its timeout.

#include "agent/notify_bodies.hpp"
#include "agent/run_session.hpp"
#include "http/transport.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace hr2scim::agent {

// What a run closing with `facts` and `code` is notified as; nothing for ok, changes pending
// and an interrupted run.
[[nodiscard]] std::optional<NotifyEvent> notify_event(const RunFacts& facts, ExitCode code);

// What the notice says about the run; `event` is notify_event's.
struct NoticeInputs {
    const Config& config;
    const std::string& command;
    std::chrono::system_clock::time_point started;
    ExitCode code;
    const ClosingRun& run;
};
[[nodiscard]] RunNotice make_notice(NotifyEvent event, const NoticeInputs& inputs);

// POSTs `body` as JSON; true when the receiver answered 2xx. A transport error, a 408, a 429
// or a 5xx is tried once more; any other answer is final.
[[nodiscard]] bool post_webhook(http::Transport& transport, const std::string& url,
                                const std::string& body);

// Tells every webhook of the config that asked for the run's event. Never throws.
void notify_webhooks(const NoticeInputs& inputs);

} // namespace hr2scim::agent
