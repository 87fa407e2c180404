#pragma once
// What the runs table says about each target, for `hr2scim status`, the Prometheus metrics and
// the run report: the last runs, totals since the state began, the last success, and how
// many users hr2scim manages there.

#include "state/sqlite.hpp"
#include "state/state_store.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::state {

struct RunRecord {
    std::int64_t id = 0;
    std::string target;
    std::string command;
    std::string started_at;                 // "2026-11-25T04:00:00.123Z"
    std::optional<std::string> finished_at; // none: still running, or the process died
    std::optional<int> exit_code;
    double duration_seconds = 0; // 0 while unfinished
    RunCounts counts;
    bool interrupted = false; // asked to stop (SIGTERM) before it sent everything
};

struct TargetHistory {
    std::string target;
    std::vector<RunRecord> recent;           // newest first
    std::map<int, size_t> runs_by_exit_code; // an interrupted run that was otherwise ok is not here
    size_t interrupted_runs = 0;             // ... but here
    size_t unfinished_runs = 0;
    RunCounts totals; // summed over every finished run
    // Operations by kind and outcome, summed over every run that recorded them (schema 7 on).
    std::map<std::pair<std::string, std::string>, size_t> operations;
    std::optional<RunRecord> last_success; // the last run that exited 0, not interrupted
    size_t active_users = 0;
    size_t deactivated_users = 0;
    size_t pending_creates = 0;
};

// Every target the state knows (from its runs and its users), with up to `recent` runs each.
[[nodiscard]] std::vector<TargetHistory> read_history(Database& db, size_t recent);
// The same from a state file, read without creating or writing anything; none if it does not
// exist.
[[nodiscard]] std::vector<TargetHistory> read_history(const std::filesystem::path& state,
                                                      size_t recent);

} // namespace hr2scim::state
