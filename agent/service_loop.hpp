#pragma once
// `hr2scim run --every 15m`: syncs now and then once per interval (plus a random jitter, so
// that agents started together do not hit a target together), until SIGTERM or SIGINT.
// - SIGTERM/SIGINT: no new operation is sent; those in flight finish or are recorded as
//   unknown, the run is closed in the state, and the loop exits 0.
// - SIGHUP: the config and the mapping are read again and checked; a good one is used from
//   the next cycle, a bad one is refused with the reason and the last good one keeps running.
// A cycle that fails (a source down, a target unreachable) is logged and the loop goes on.
// - --listen HOST:PORT: /metrics and /healthz served while it runs (listener.hpp).

#include "agent/exit_codes.hpp"
#include "agent/listener.hpp"
#include "agent/run.hpp"

#include <chrono>
#include <optional>
#include <ostream>
#include <string_view>

namespace hr2scim::agent {

struct LoopOptions {
    std::chrono::seconds every{0};
    std::chrono::seconds jitter{0}; // each wait is every + a random share of this
    std::optional<ListenAddress> listen;
};

// "90s", "15m", "1h", "1d" (a number and a unit); nothing for anything else.
[[nodiscard]] std::optional<std::chrono::seconds> parse_interval(std::string_view text);

// `options` is the sync each cycle runs. Returns when stopped (0), or 1 when the config the
// loop starts with is not valid.
[[nodiscard]] ExitCode run_loop(RunOptions options, const LoopOptions& loop, std::ostream& out);

} // namespace hr2scim::agent
