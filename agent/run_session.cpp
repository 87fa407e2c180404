#include "agent/run_session.hpp"

#include "agent/notify.hpp"
#include "agent/output_file.hpp"
#include "agent/pace_estimate.hpp"
#include "agent/run_metrics.hpp"
#include "agent/run_report.hpp"
#include "agent/run_report_html.hpp"
#include "state/run_history.hpp"

#include <functional>
#include <spdlog/spdlog.h>

namespace hr2scim::agent {

ExitCode exit_code(const RunFacts& facts) {
    if (facts.source_failed || facts.target_unusable || facts.abandoned || facts.groups_not_sent)
        return ExitCode::failed;
    if (facts.gate_stopped) return ExitCode::safety_stop;
    if (facts.failed_operations + facts.rejected_records + facts.failed_joins +
            facts.rejected_links >
        0)
        return ExitCode::partial;
    if (facts.groups_withheld) return ExitCode::safety_stop;
    if (facts.failed_group_changes > 0) return ExitCode::partial;
    if (facts.changes_pending) return ExitCode::changes_pending;
    return ExitCode::ok;
}

RunSession::RunSession(const Config& config, apply::RunRecorder& recorder,
                       const std::string& command, const std::string& report_command,
                       ReportFiles reports, std::chrono::system_clock::time_point started)
    : m_config(config), m_recorder(recorder),
      m_report_command(report_command.empty() ? command : report_command),
      m_reports(std::move(reports)), m_started(started), m_id(recorder.begin_run(command)) {}

ExitCode RunSession::close(const ClosingRun& run) {
    auto code = exit_code(run.facts);
    const auto by_kind = run.outcomes ? outcomes_by_kind(*run.outcomes) : nlohmann::json();
    m_recorder.finish_run(m_id, run.counts, static_cast<int>(code),
                          run.outcomes ? &by_kind : nullptr, run.facts.interrupted);
    if (const auto pruned = m_recorder.prune_audit(m_config.audit_keep); pruned > 0)
        spdlog::info("audit: {} entries older than {} days pruned", pruned,
                     m_config.audit_keep.count());
    std::vector<std::string> warnings;
    const auto written = write_outputs(run, code, {}, warnings);
    if (!warnings.empty()) {
        code = with_warning(code);
        // Those written before a failure said the run without it: they say what it is now.
        (void)write_outputs(run, code, written, warnings);
    }
    notify_webhooks({m_config, m_report_command, m_started, code, run});
    return code;
}

ExitCode RunSession::with_warning(ExitCode code) {
    if (code != ExitCode::ok) return code;
    m_recorder.amend_exit_code(m_id, static_cast<int>(ExitCode::partial));
    return ExitCode::partial;
}

// The plan's estimate at the target's budget, for the report; null without a budget or a plan.
nlohmann::ordered_json RunSession::pace_estimate_json(const state::Plan* plan,
                                                      const DailyCaps* caps) const {
    const bool capped = caps && caps->any();
    if (!plan || (m_config.target.budget.empty() && !m_config.target.operations_per_run && !capped))
        return nullptr;
    return to_json(
        estimate_pace(workload_of(*plan), m_config.target, capped ? *caps : DailyCaps()));
}

namespace {

// Runs `write`; when it fails, the reason is a warning naming `setting`.
bool written_or_warned(std::string_view setting, const std::function<void()>& write,
                       std::vector<std::string>& warnings) {
    try {
        write();
        return true;
    } catch (const std::exception& error) {
        warnings.push_back(std::string(setting) + ": " + error.what());
        spdlog::warn("{}; the run is partial (exit 2)", warnings.back());
        return false;
    }
}

} // namespace

// The JSON report last: monitoring reads it, and its warnings then name every other file.
RunSession::Written RunSession::write_outputs(const ClosingRun& run, ExitCode code,
                                              const Written& which,
                                              std::vector<std::string>& warnings) const {
    Written written;
    if (which.metrics && !m_config.metrics_textfile.empty())
        written.metrics = written_or_warned(
            "metrics.textfile",
            [&] {
                write_file_atomically(m_config.metrics_textfile,
                                      prometheus_metrics(state::read_history(m_config.state, 20)),
                                      0644);
            },
            warnings);
    if (which.html && !m_reports.html.empty())
        written.html = written_or_warned(
            "--report-html",
            [&] { write_run_report_html(m_reports.html, report_inputs(run, code, warnings)); },
            warnings);
    if (which.json && !m_reports.json.empty())
        written.json = written_or_warned(
            "--report",
            [&] { write_run_report(m_reports.json, report_inputs(run, code, warnings)); },
            warnings);
    return written;
}

RunReportInputs RunSession::report_inputs(const ClosingRun& run, ExitCode code,
                                          const std::vector<std::string>& warnings) const {
    return {.target = m_config.target.name,
            .command = m_report_command,
            .run_id = m_id,
            .started = m_started,
            .finished = std::chrono::system_clock::now(),
            .exit_code = static_cast<int>(code),
            .interrupted = run.facts.interrupted,
            .records = run.counts.records,
            .source_complete = run.counts.source_complete,
            .rejections = run.rejections,
            .plan = run.plan,
            .outcomes = run.outcomes,
            .tally = run.tally,
            .stopped_because = run.stopped_because,
            .estimate = pace_estimate_json(run.plan, run.caps),
            .warnings = warnings,
            .groups = run.groups,
            .config = m_config.file,
            .several_targets = m_config.targets.size() > 1};
}

std::vector<apply::RejectedRecord>
rejected_records(const std::vector<connectors::Rejection>& rejections) {
    std::vector<apply::RejectedRecord> records;
    records.reserve(rejections.size());
    for (const auto& rejection : rejections)
        records.push_back({rejection.origin, rejection.key, rejection.reason});
    return records;
}

} // namespace hr2scim::agent
