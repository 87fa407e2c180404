#include "agent/status_json.hpp"

#include "agent/run_metrics.hpp"

namespace hr2scim::agent {
namespace {

// In the order a reader expects (the target before its runs), not alphabetical.
using json = nlohmann::ordered_json;

json optional_json(const auto& value) {
    return value ? json(*value) : json();
}

json run_to_json(const state::RunRecord& run) {
    // "unfinished": the run is still going or its process died; "?": it finished without an
    // exit code (as the table says).
    const auto result = run.exit_code     ? result_name(*run.exit_code)
                        : run.finished_at ? std::string("?")
                                          : std::string("unfinished");
    return {{"id", run.id},
            {"command", run.command},
            {"started_at", run.started_at},
            {"finished_at", optional_json(run.finished_at)},
            {"duration_seconds", run.duration_seconds},
            {"result", result},
            {"exit_code", optional_json(run.exit_code)},
            {"created", run.counts.created},
            {"updated", run.counts.updated},
            {"deactivated", run.counts.deactivated},
            {"reactivated", run.counts.reactivated},
            {"failed", run.counts.failed},
            {"rejected", run.counts.rejected},
            {"withheld", run.counts.withheld}};
}

} // namespace

json status_to_json(const std::vector<state::TargetHistory>& targets,
                    const std::filesystem::path& state) {
    json listed = json::array();
    for (const auto& history : targets) {
        json runs = json::array();
        for (const auto& run : history.recent)
            runs.push_back(run_to_json(run));
        const auto& success = history.last_success;
        listed.push_back(
            {{"target", history.target},
             {"active_users", history.active_users},
             {"deactivated_users", history.deactivated_users},
             {"creates_to_confirm", history.pending_creates},
             {"last_success",
              success ? json(success->finished_at.value_or(success->started_at)) : json()},
             {"runs", std::move(runs)}});
    }
    return {{"state", state.string()}, {"targets", std::move(listed)}};
}

} // namespace hr2scim::agent
