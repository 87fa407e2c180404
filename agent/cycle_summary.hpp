#pragma once
// What one cycle of the service loop did, read from the runs it left in the state (one per
// target): for systemd's STATUS= line and /healthz.

#include "agent/exit_codes.hpp"
#include "agent/run.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::agent {

// One target's run in a cycle, as the state recorded it.
struct TargetCycle {
    std::string target;
    std::string result; // as result_name() says it: "ok", "interrupted", ...; "unfinished"
    int exit_code = 0;
};

struct CycleSummary {
    std::chrono::system_clock::time_point ended{};
    ExitCode code = ExitCode::ok;     // the cycle's, the worst of its targets'
    bool interrupted = false;         // a SIGTERM came before it sent everything
    size_t sent = 0;                  // users created, updated, deactivated, reactivated
    std::vector<TargetCycle> targets; // the runs the cycle left in the state, by state and target
};

// Each target's state file, as the loop's accepted config names it.
[[nodiscard]] std::vector<std::filesystem::path> state_files(const PinnedConfig& pinned,
                                                             const std::filesystem::path& config);

// The newest run of each target in those states, by (state, target): what a cycle starts from.
using NewestRuns = std::map<std::pair<std::string, std::string>, std::int64_t>;
[[nodiscard]] NewestRuns newest_runs(const std::vector<std::filesystem::path>& states);

// The runs newer than `before`, summed, with the cycle's exit code.
[[nodiscard]] CycleSummary summarize_cycle(const std::vector<std::filesystem::path>& states,
                                           const NewestRuns& before, ExitCode code);

// "last cycle at 12:00:03 UTC: ok, 3 sent".
[[nodiscard]] std::string status_line(const CycleSummary& cycle);
// The cycle's result as the metrics name it ("ok", "partial", "interrupted", ...).
[[nodiscard]] std::string result_of(const CycleSummary& cycle);

} // namespace hr2scim::agent
