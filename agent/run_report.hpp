#pragma once
// `--report FILE`: one sync as JSON, for a monitoring script or a ticket: when it ran, its
// result, what the source gave, what was planned, what was applied, and every failure,
// withheld operation and rejected record with its key and reason. Written whole (renamed into
// place), mode 0600: it names people.

#include "apply/executor.hpp"
#include "connectors/record.hpp"
#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::agent {

struct RunReportInputs {
    std::string target{};
    std::string command{};
    std::optional<std::int64_t> run_id{}; // the run's row in the state
    std::chrono::system_clock::time_point started{};
    std::chrono::system_clock::time_point finished{};
    int exit_code = 0;
    bool interrupted = false; // asked to stop (SIGTERM) before it sent everything
    size_t records = 0;
    bool source_complete = true;
    const std::vector<connectors::Rejection>* rejections = nullptr;
    const state::Plan* plan = nullptr;                     // none when it stopped before planning
    const std::vector<apply::Outcome>* outcomes = nullptr; // none when nothing was sent
    const apply::Tally* tally = nullptr;
    std::optional<std::string> stopped_because{}; // why it stopped before sending
    // How long the plan takes at the target's budget, and what of it this run sends
    // (agent/pace_estimate.hpp); null without a budget.
    nlohmann::ordered_json estimate{};
    // What went wrong besides the operations: a file the run could not write.
    std::vector<std::string> warnings{};
    // For the HTML twin's approve command: the groups' plan (its withheld changes are part of
    // the set an approval names), the config, and whether the config has several targets.
    const state::GroupPlan* groups = nullptr;
    std::filesystem::path config{};
    bool several_targets = false;
};

[[nodiscard]] nlohmann::ordered_json run_report(const RunReportInputs& inputs);
// The operations sent by kind and outcome, as the state's runs keep them:
// {"create": {"done": 10}, "update": {"done": 2, "refused": 1}} (in snake_case).
[[nodiscard]] nlohmann::json outcomes_by_kind(const std::vector<apply::Outcome>& outcomes);
void write_run_report(const std::filesystem::path& file, const RunReportInputs& inputs);

} // namespace hr2scim::agent
