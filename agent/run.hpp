#pragma once
// One run of `validate`, `plan` or `sync`: wires source, mapping, state and target together.

#include "agent/exit_codes.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::agent {

enum class Command { validate, check, plan, sync, explain, apply, service, status, history };

// -o, --output: what plan, status and history print on standard output. json is for scripts:
// one document, the plan file's format for plan; logs stay on standard error.
enum class OutputFormat { text, json };

// The config and mapping a service loop accepted, held as text so that a later edit of the
// files takes effect only when a reload accepts it (paths still resolve against the files'
// folders).
struct PinnedConfig {
    std::string config_text;
    std::map<std::filesystem::path, std::string> mappings; // each target's mapping file, read
};

// sync, apply, run --report FILE and --report-html FILE: the run's report as JSON and as a page
// (none when empty).
struct ReportFiles {
    std::filesystem::path json;
    std::filesystem::path html;
};

struct RunOptions {
    Command command = Command::plan;
    std::filesystem::path config;
    bool detailed_exitcode = false;          // plan: 4 when there are changes
    std::optional<size_t> max_deactivations; // one run's override of the safety limits
    std::string log_level;                   // overrides the config's log.level when set
    bool allow_shrink = false;               // one run's override of source.max_shrink_percent
    std::string key;                         // explain, history: the source key to show
    // plan, sync: operations printed one by one; past this the plan is summarised by kind
    // (--show-all prints them all). Cron logs must not grow by megabytes a run.
    size_t show_operations = 100;
    // plan, sync, apply --quiet: for cron. No operation listing and no progress line; the
    // totals, what was withheld, failures (up to 20) and warnings still print.
    bool quiet = false;
    // plan, sync: re-hires an admin approved (--hand-over OLD=NEW): the account of the key that
    // left becomes the new key's instead of a conflict.
    std::vector<std::pair<std::string, std::string>> hand_overs;
    // plan, sync: the digest of a withheld set an admin reviewed (--approve-withheld).
    std::string approve_withheld;
    std::filesystem::path plan_out;  // plan --out FILE: the plan as a file to review and apply
    std::filesystem::path plan_html; // plan --html FILE: the plan as a page for its approvers
    std::filesystem::path plan_file; // apply FILE
    bool reconcile = false; // sync --reconcile: read the managed users back and repair drift
    // plan, sync, run --adopt-existing: a first run (no state for the target) may take over the
    // accounts the target already holds that match this config's people (see adoption_stop).
    bool adopt_existing = false;
    // The run's instant for scope and lifecycle dates; the system clock when not given
    // (--as-of: rehearse a future day, or test with a fixed clock).
    std::optional<std::chrono::sys_seconds> as_of;
    ReportFiles report;      // sync, apply, run (and validate, for their folders)
    size_t status_runs = 10; // status --runs N
    OutputFormat output = OutputFormat::text;
    std::string target; // --target NAME: only this target of a config with several
    // The service loop's accepted config; nullptr: read the files.
    const PinnedConfig* pinned = nullptr;
    // A cycle of `run`: its runs are recorded as command "run", not "sync", so that the state,
    // `status` and the reports say which process did what.
    bool service_loop = false;
};

// Prints the plan and summary to `out`, logs to stderr. Throws ConfigError, MappingError,
// StateError for what stops a run before it starts.
[[nodiscard]] ExitCode run(const RunOptions& options, std::ostream& out);
// run(), with what it throws logged as an error and returned as exit code 1.
[[nodiscard]] ExitCode run_reporting_errors(const RunOptions& options, std::ostream& out);
// Reads and checks the config, the mapping and the sources' options as a run would begin,
// without reading a source or contacting a target; throws what run() throws.
void check_config(const RunOptions& options);

} // namespace hr2scim::agent
