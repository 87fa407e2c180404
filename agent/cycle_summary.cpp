#include "agent/cycle_summary.hpp"

#include "agent/config.hpp"
#include "agent/run_metrics.hpp"
#include "state/run_history.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <set>

namespace hr2scim::agent {

std::vector<std::filesystem::path> state_files(const PinnedConfig& pinned,
                                               const std::filesystem::path& config) {
    std::set<std::filesystem::path> states;
    for (const auto& one : one_config_per_target(parse_config(pinned.config_text, config)))
        states.insert(one.state);
    return {states.begin(), states.end()};
}

NewestRuns newest_runs(const std::vector<std::filesystem::path>& states) {
    NewestRuns newest;
    for (const auto& state : states)
        for (const auto& history : state::read_history(state, 1))
            if (!history.recent.empty())
                newest[{state.string(), history.target}] = history.recent.front().id;
    return newest;
}

CycleSummary summarize_cycle(const std::vector<std::filesystem::path>& states,
                             const NewestRuns& before, ExitCode code) {
    CycleSummary cycle{.ended = std::chrono::system_clock::now(), .code = code, .targets = {}};
    for (const auto& state : states)
        for (const auto& history : state::read_history(state, 1)) {
            if (history.recent.empty()) continue;
            const auto& run = history.recent.front();
            const auto was = before.find({state.string(), history.target});
            if (was != before.end() && was->second >= run.id) continue; // not this cycle's
            cycle.interrupted = cycle.interrupted || run.interrupted;
            cycle.sent += run.counts.created + run.counts.updated + run.counts.deactivated +
                          run.counts.reactivated;
            cycle.targets.push_back({.target = history.target,
                                     .result = run.exit_code
                                                   ? result_name(*run.exit_code, run.interrupted)
                                                   : std::string("unfinished"),
                                     .exit_code = run.exit_code.value_or(-1)});
        }
    return cycle;
}

std::string result_of(const CycleSummary& cycle) {
    return result_name(static_cast<int>(cycle.code), cycle.interrupted);
}

std::string status_line(const CycleSummary& cycle) {
    return fmt::format("last cycle at {:%H:%M:%S} UTC: {}, {} sent",
                       std::chrono::floor<std::chrono::seconds>(cycle.ended), result_of(cycle),
                       cycle.sent);
}

} // namespace hr2scim::agent
