#pragma once
// One way to open and close a run, for sync, apply FILE and each cycle of `run`: the run's row
// in the state, its counts, its exit code (worked out here, once, from what the run did), the
// operations it sent, audit pruning, the run report and the metrics.

#include "agent/config.hpp"
#include "agent/daily_cap.hpp"
#include "agent/exit_codes.hpp"
#include "agent/run.hpp"
#include "agent/run_report.hpp"
#include "apply/executor.hpp"
#include "apply/run_recorder.hpp"
#include "connectors/record.hpp"
#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::agent {

// What a run did, as far as its exit code goes. A plan fills in what planning knows (it sends
// nothing, so nothing of it is partial).
struct RunFacts {
    bool source_failed = false;   // the source did not read whole
    bool target_unusable = false; // nothing was sent: the target could not be used
    bool abandoned = false;       // the target was given up while sending
    bool groups_not_sent = false; // ... before or during the groups
    bool gate_stopped = false;    // a safety gate held users' deactivations back
    bool groups_withheld = false; // a safety gate held group changes back
    size_t failed_operations = 0; // failed or not attempted
    size_t failed_group_changes = 0;
    size_t rejected_records = 0;
    size_t failed_joins = 0;
    size_t rejected_links = 0;    // managers nobody knows
    bool changes_pending = false; // plan --detailed-exitcode, with changes to apply
    // Asked to stop (SIGTERM) before it sent everything: what it did not send is not a failure
    // and does not change the exit code; the run is recorded as interrupted.
    bool interrupted = false;
};

// Could not run, then a users' safety stop, then partial, then the groups' safety stop and
// failures, then changes pending, then ok.
[[nodiscard]] ExitCode exit_code(const RunFacts& facts);

// What closing a run writes besides its facts.
struct ClosingRun {
    RunFacts facts{};
    state::RunCounts counts{};
    const state::Plan* plan = nullptr;        // none: it stopped before planning
    const state::GroupPlan* groups = nullptr; // the groups' plan, when the run plans groups
    const std::vector<apply::Outcome>* outcomes = nullptr; // none: it stopped before sending
    const apply::Tally* tally = nullptr;
    const std::vector<connectors::Rejection>* rejections = nullptr;
    std::optional<std::string> stopped_because{}; // why it stopped before sending
    const DailyCaps* caps = nullptr; // the target's daily caps at the run's start, if any
};

class RunSession {
  public:
    // Opens run `command` of the config's target in the state. The report names it
    // `report_command` (`command` when empty); `reports` are --report and --report-html.
    RunSession(const Config& config, apply::RunRecorder& recorder, const std::string& command,
               const std::string& report_command, ReportFiles reports,
               std::chrono::system_clock::time_point started = std::chrono::system_clock::now());

    [[nodiscard]] std::int64_t id() const { return m_id; }
    [[nodiscard]] apply::RunRecorder& recorder() { return m_recorder; }

    // Closes it: its counts, exit code and outcomes in the state, the audit trail pruned, then
    // the metrics and the reports. A file that cannot be written is a warning that makes an
    // otherwise clean run partial (exit 2), in the state too: monitoring that reads the file
    // would otherwise go blind while every run says ok. Last, the `notify:` webhooks are told
    // of a withheld, failed, partial or abandoned run; that never changes the exit code.
    ExitCode close(const ClosingRun& run);

  private:
    [[nodiscard]] nlohmann::ordered_json pace_estimate_json(const state::Plan* plan,
                                                            const DailyCaps* caps) const;
    // Which of the run's files were written (a file not asked for counts as written).
    struct Written {
        bool metrics = true;
        bool html = true;
        bool json = true;
    };
    // Writes those of `which` that are asked for, saying `code` and `warnings`; a file not
    // written adds its reason to `warnings`.
    Written write_outputs(const ClosingRun& run, ExitCode code, const Written& which,
                          std::vector<std::string>& warnings) const;
    [[nodiscard]] RunReportInputs report_inputs(const ClosingRun& run, ExitCode code,
                                                const std::vector<std::string>& warnings) const;
    // `code`, or partial when it was ok (and the state says so too).
    ExitCode with_warning(ExitCode code);

    const Config& m_config;
    apply::RunRecorder& m_recorder;
    std::string m_report_command;
    ReportFiles m_reports;
    std::chrono::system_clock::time_point m_started;
    std::int64_t m_id;
};

// The run's rejected records as the audit trail files them.
[[nodiscard]] std::vector<apply::RejectedRecord>
rejected_records(const std::vector<connectors::Rejection>& rejections);

} // namespace hr2scim::agent
