#pragma once
// How long a plan takes at the target's budget, and how much of it this run sends when the
// run has a budget of its own: "9,412 operations at 180/min (target.budget): about 52 min".
// Shown by plan and sync, and kept in the run report.

#include "agent/config.hpp"
#include "agent/daily_cap.hpp"
#include "state/plan.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

namespace hr2scim::agent {

struct PaceEstimate {
    size_t operations = 0;
    std::string pace;                          // "180/min (target.budget)"; empty: no budget
    std::optional<std::chrono::seconds> takes; // at that pace
    std::optional<size_t> this_run;            // what fits in this run, when it has a budget
    std::string run_limit;                     // the setting that says so
    // The target's daily caps as the state counts them: what is left, or that one is spent.
    DailyCaps daily;
};

// What a plan asks of the target: a write per operation, and a read per create (every
// create is read back by its id: "Writes are verified").
struct Workload {
    size_t operations = 0;
    size_t read_backs = 0;
};
[[nodiscard]] Workload workload_of(const state::Plan& plan);

// The estimate at whichever budget binds: writes for the operations, reads for the
// read-backs, requests_per_second for both together.
[[nodiscard]] PaceEstimate estimate_pace(Workload work, const TargetConfig& target,
                                         const DailyCaps& daily = {});
// "about 52 min", "about 9 h 12 min", "about 3 days 4 h", "under a minute".
[[nodiscard]] std::string duration_text(std::chrono::seconds duration);
// 9412 -> "9,412".
[[nodiscard]] std::string count_text(size_t count);
// The lines plan and sync print; nothing without a budget or anything to send.
void print_pace(std::ostream& out, const PaceEstimate& estimate);
[[nodiscard]] nlohmann::ordered_json to_json(const PaceEstimate& estimate);

} // namespace hr2scim::agent
