#pragma once
// What a webhook is sent about one run, and the three shapes it is sent in: hr2scim's own JSON
// (for a script or an alerting system), a Slack message and a Microsoft Teams message. Pure:
// no I/O, so each shape is tested alone. A notice holds counts, reasons, the withheld set's
// digest and the command that approves it; never a token, a URL or a person's attributes.

#include "agent/config.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::agent {

struct WithheldNotice {
    size_t count = 0;      // operations in the withheld set
    std::string digest{};  // what --approve-withheld names
    std::string reason{};  // the gate's reason
    std::string approve{}; // hr2scim sync -c CONFIG --target NAME --approve-withheld DIGEST
};

struct RunNotice {
    NotifyEvent event = NotifyEvent::failed;
    std::string target{};
    std::string command{}; // sync, apply, run
    std::string result{};  // as the run report and the metrics name it
    int exit_code = 0;
    std::string started_at{}; // UTC, as the run report writes it
    std::string summary{};    // one line a person reads
    std::optional<WithheldNotice> withheld{};
    size_t failures = 0; // operations and group changes that failed or were not sent
    size_t rejected_records = 0;
    std::string host{};
};

[[nodiscard]] std::string_view event_name(NotifyEvent event);

// The request body for `format`, as JSON text.
[[nodiscard]] std::string webhook_body(WebhookFormat format, const RunNotice& notice);

} // namespace hr2scim::agent
