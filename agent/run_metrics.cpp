#include "agent/run_metrics.hpp"

#include "state/timestamp.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace hr2scim::agent {
namespace {

// "2026-11-25T04:00:00.123Z" as seconds since the epoch; 0 when it cannot be read.
double epoch_seconds(const std::string& timestamp) {
    if (timestamp.size() < 19) return 0;
    const auto whole = state::from_timestamp(timestamp.substr(0, 19) + "Z");
    if (!whole) return 0;
    double seconds = static_cast<double>(whole->time_since_epoch().count());
    if (timestamp.size() > 20 && timestamp[19] == '.')
        seconds += std::stod("0" + timestamp.substr(19, timestamp.size() - 20));
    return seconds;
}

// A label value as the text format wants it: backslash, quote and line break escaped.
std::string label(const std::string& value) {
    std::string escaped;
    for (char c : value) {
        if (c == '\\' || c == '"') escaped += '\\';
        if (c == '\n') {
            escaped += "\\n";
            continue;
        }
        escaped += c;
    }
    return escaped;
}

class MetricsText {
  public:
    void family(const char* name, const char* type, const char* help) {
        m_text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    }
    void sample(const char* name, const std::string& labels, double value) {
        m_text += fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
    [[nodiscard]] std::string text() && { return std::move(m_text); }

  private:
    std::string m_text;
};

} // namespace

std::string result_name(int exit_code) {
    switch (exit_code) {
    case 0:
        return "ok";
    case 1:
        return "failed";
    case 2:
        return "partial";
    case 3:
        return "safety_stop";
    case 4:
        return "changes";
    default:
        return std::to_string(exit_code);
    }
}

std::string result_name(int exit_code, bool interrupted) {
    return interrupted && exit_code == 0 ? "interrupted" : result_name(exit_code);
}

std::string prometheus_metrics(const std::vector<state::TargetHistory>& targets) {
    MetricsText metrics;
    auto target_label = [](const state::TargetHistory& history) {
        return "target=\"" + label(history.target) + "\"";
    };
    metrics.family("hr2scim_runs_total", "counter",
                   "Syncs finished since the state began, by result (ok, partial, safety_stop, "
                   "failed, interrupted).");
    for (const auto& history : targets) {
        for (const auto& [code, count] : history.runs_by_exit_code)
            metrics.sample("hr2scim_runs_total",
                           target_label(history) + ",result=\"" + result_name(code) + "\"",
                           static_cast<double>(count));
        if (history.interrupted_runs > 0)
            metrics.sample("hr2scim_runs_total", target_label(history) + ",result=\"interrupted\"",
                           static_cast<double>(history.interrupted_runs));
    }
    metrics.family("hr2scim_operations_total", "counter",
                   "Operations sent since the state began, by kind (create, update, "
                   "deactivate, reactivate, delete, link_manager_of) and outcome (done, conflict, "
                   "refused, transient_failure, target_unusable, unknown, skipped, not_sent).");
    for (const auto& history : targets)
        for (const auto& [kind_outcome, count] : history.operations)
            metrics.sample("hr2scim_operations_total",
                           target_label(history) + ",kind=\"" + label(kind_outcome.first) +
                               "\",outcome=\"" + label(kind_outcome.second) + "\"",
                           static_cast<double>(count));
    metrics.family("hr2scim_users_managed", "gauge",
                   "Users hr2scim manages on the target, by status.");
    for (const auto& history : targets)
        for (const auto& [status, count] : {std::pair{"active", history.active_users},
                                            std::pair{"deactivated", history.deactivated_users},
                                            std::pair{"pending_create", history.pending_creates}})
            metrics.sample("hr2scim_users_managed",
                           target_label(history) + ",status=\"" + status + "\"",
                           static_cast<double>(count));
    // A gauge of each target's last finished run.
    auto last_run_gauge = [&](const char* name, const char* help, auto value_of) {
        metrics.family(name, "gauge", help);
        for (const auto& history : targets) {
            const auto last = std::ranges::find_if(
                history.recent, [](const auto& run) { return run.exit_code.has_value(); });
            if (last != history.recent.end())
                metrics.sample(name, target_label(history), value_of(*last));
        }
    };
    last_run_gauge(
        "hr2scim_last_run_timestamp_seconds", "When the last finished sync ended.",
        [](const auto& run) { return epoch_seconds(run.finished_at.value_or(run.started_at)); });
    last_run_gauge("hr2scim_last_run_duration_seconds", "How long the last finished sync took.",
                   [](const auto& run) { return run.duration_seconds; });
    last_run_gauge("hr2scim_last_run_exit_code",
                   "The exit code of the last finished sync (0 ok, 1 failed, 2 partial, 3 a "
                   "safety gate held deactivations back).",
                   [](const auto& run) { return static_cast<double>(*run.exit_code); });
    last_run_gauge("hr2scim_withheld_operations",
                   "Deactivations and deletions the last finished sync withheld (waiting for "
                   "an approval or a complete source).",
                   [](const auto& run) { return static_cast<double>(run.counts.withheld); });
    last_run_gauge("hr2scim_rejected_records", "Source records the last finished sync rejected.",
                   [](const auto& run) { return static_cast<double>(run.counts.rejected); });
    metrics.family("hr2scim_last_success_timestamp_seconds", "gauge",
                   "When the last sync that exited 0 (and was not interrupted) ended.");
    for (const auto& history : targets)
        if (history.last_success)
            metrics.sample("hr2scim_last_success_timestamp_seconds", target_label(history),
                           epoch_seconds(history.last_success->finished_at.value_or(
                               history.last_success->started_at)));
    return std::move(metrics).text();
}

void print_status(std::ostream& out, const std::vector<state::TargetHistory>& targets,
                  const std::filesystem::path& state) {
    if (targets.empty()) {
        out << "No runs yet: " << state.string() << " holds none.\n";
        return;
    }
    for (const auto& history : targets) {
        out << "Target \"" << history.target << "\": " << history.active_users << " active, "
            << history.deactivated_users << " deactivated";
        if (history.pending_creates > 0)
            out << ", " << history.pending_creates << " creates to confirm";
        out << "; last success "
            << (history.last_success
                    ? history.last_success->finished_at.value_or(history.last_success->started_at)
                    : std::string("never"))
            << "\n";
        out << fmt::format(
            "  {:<24} {:<16} {:>8}  {:<12} {:>7} {:>7} {:>7} {:>7} {:>8} {:>7} {:>8}\n",
            "started (UTC)", "command", "seconds", "result", "created", "updated", "deact.",
            "failed", "not sent", "reject.", "withheld");
        for (const auto& run : history.recent) {
            const auto result = run.exit_code     ? result_name(*run.exit_code, run.interrupted)
                                : run.finished_at ? std::string("?")
                                                  : std::string("unfinished");
            out << fmt::format(
                "  {:<24} {:<16} {:>8.1f}  {:<12} {:>7} {:>7} {:>7} {:>7} {:>8} {:>7} {:>8}\n",
                run.started_at, run.command, run.duration_seconds, result, run.counts.created,
                run.counts.updated, run.counts.deactivated, run.counts.failed, run.counts.not_sent,
                run.counts.rejected, run.counts.withheld);
        }
    }
}

} // namespace hr2scim::agent
