#pragma once
// A request to stop the run (SIGTERM or SIGINT in the service loop). Once it is made, no new
// operation is sent: operations in flight finish (or are recorded as unknown), the rest are
// skipped with the reason, and the run is closed as usual. One flag for the process.

#include <optional>
#include <string>

namespace hr2scim::apply {

// Not for signal handlers: call it from a thread that waits for signals.
void request_stop(std::string why);
[[nodiscard]] std::optional<std::string> stop_requested();
// For a new run in the same process (tests); the service loop never clears it.
void clear_stop_request();

} // namespace hr2scim::apply
