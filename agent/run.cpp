#include "agent/run.hpp"

#include "agent/apply_file.hpp"
#include "agent/check.hpp"
#include "agent/config.hpp"
#include "agent/explain.hpp"
#include "agent/history_json.hpp"
#include "agent/history_printer.hpp"
#include "agent/prepare.hpp"
#include "agent/run_metrics.hpp"
#include "agent/status_json.hpp"
#include "agent/sync.hpp"
#include "agent/validate.hpp"
#include "mappings/mapping.hpp"
#include "state/audit.hpp"
#include "state/run_history.hpp"
#include "state/state_store.hpp"

#include <spdlog/spdlog.h>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::agent {
namespace {

// What ends a run before it starts (a bad config, mapping or state) is logged and exit 1.
template <typename Run> ExitCode reporting_errors(Run&& run) {
    try {
        return run();
    } catch (const RunError& error) { // a config, mapping or state that cannot be used
        if (error.kind().empty())
            spdlog::error("{}", error.what());
        else
            spdlog::error("{}: {}", error.kind(), error.what());
    } catch (const std::exception& error) {
        spdlog::critical("unexpected error: {}", error.what());
    }
    return ExitCode::failed;
}

ExitCode run_prepared(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    if (options.command == Command::validate) return validate(prepared, options, out);
    if (options.command == Command::check)
        return check(prepared, options.output == OutputFormat::json, out);
    if (options.command == Command::explain) return explain(prepared, options, out);
    if (options.command == Command::apply) return apply_plan_file(prepared, options, out);
    return plan_or_sync(prepared, options, out);
}

// How much an exit code matters when several targets give one each: could not run, then a
// safety stop, then partial, then changes (plan --detailed-exitcode), then ok.
int severity(ExitCode code) {
    switch (code) {
    case ExitCode::failed:
        return 4;
    case ExitCode::safety_stop:
        return 3;
    case ExitCode::partial:
        return 2;
    case ExitCode::changes_pending:
        return 1;
    default:
        return 0;
    }
}

// A report of one target of several: report.json becomes report.NAME.json.
std::filesystem::path per_target(const std::filesystem::path& file, const std::string& target) {
    if (file.empty()) return file;
    auto one = file;
    one.replace_filename(file.stem().string() + "." + target + file.extension().string());
    return one;
}

// Each target in turn, from one read of the sources: a target that fails does not stop the
// others, and the summary says which did what.
ExitCode run_each_target(std::vector<Config>& configs, const RunOptions& options,
                         std::ostream& out) {
    const bool plan_as_json =
        (options.command == Command::plan || options.command == Command::check ||
         options.command == Command::validate) &&
        options.output == OutputFormat::json;
    if (options.command == Command::apply || !options.plan_out.empty() || plan_as_json ||
        !options.approve_withheld.empty() || !options.hand_overs.empty())
        throw ConfigError(
            "the config has " + std::to_string(configs.size()) +
            " targets: apply, plan --out, plan, check and validate -o json, --approve-withheld and "
            "--hand-over act on one; name it with --target NAME");
    SharedSources shared;
    std::vector<std::pair<std::string, ExitCode>> results;
    for (auto& config : configs) {
        const std::string name = config.target.name;
        out << (results.empty() ? "" : "\n") << "=== Target " << name << " ===\n";
        RunOptions one = options;
        one.report = {.json = per_target(options.report.json, name),
                      .html = per_target(options.report.html, name)};
        const auto code = reporting_errors([&] {
            auto prepared = prepare(std::move(config), options.log_level, options.as_of,
                                    options.pinned, &shared);
            return run_prepared(prepared, one, out);
        });
        results.emplace_back(name, code);
    }
    ExitCode worst = ExitCode::ok;
    std::string summary;
    for (const auto& [name, code] : results) {
        summary += (summary.empty() ? "" : "; ") + name + " " +
                   (code == ExitCode::failed ? std::string("FAILED")
                                             : result_name(static_cast<int>(code))) +
                   " (exit " + std::to_string(static_cast<int>(code)) + ")";
        if (severity(code) > severity(worst)) worst = code;
    }
    out << "\nTargets: " << summary << ".\n";
    return worst;
}

// `history KEY`, as text or as JSON.
ExitCode print_history_of(const RunOptions& options, std::ostream& out) {
    const auto config = load_config(options.config);
    const auto records = state::read_audit(config.state, options.key, config.case_sensitive_keys);
    const bool json = options.output == OutputFormat::json;
    if (json)
        out << history_to_json(options.key, records)
                   .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
            << '\n';
    if (records.empty()) {
        const auto why = "No history for " + options.key + ": the audit trail of " +
                         config.state.string() + " has no entry about it (entries are kept " +
                         std::to_string(config.audit_keep.count()) + " days).";
        if (json)
            spdlog::warn("{}", why);
        else
            out << why << "\n";
        return ExitCode::failed;
    }
    if (!json) print_history(out, options.key, records);
    return ExitCode::ok;
}

} // namespace

ExitCode run(const RunOptions& options, std::ostream& out) {
    if (options.command == Command::history) return print_history_of(options, out);
    if (options.command == Command::status) {
        const auto config = load_config(options.config);
        const auto targets = state::read_history(config.state, options.status_runs);
        if (options.output == OutputFormat::json)
            out << status_to_json(targets, config.state)
                       .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << '\n';
        else
            print_status(out, targets, config.state);
        return ExitCode::ok;
    }
    auto configs = one_config_per_target(read_config(options), options.target);
    if (configs.size() > 1) return run_each_target(configs, options, out);
    auto prepared =
        prepare(std::move(configs.front()), options.log_level, options.as_of, options.pinned);
    return run_prepared(prepared, options, out);
}

ExitCode run_reporting_errors(const RunOptions& options, std::ostream& out) {
    return reporting_errors([&] { return run(options, out); });
}

void check_config(const RunOptions& options) {
    SharedSources shared;
    for (auto& config : one_config_per_target(read_config(options)))
        (void)prepare(std::move(config), options.log_level, options.as_of, options.pinned, &shared);
}

} // namespace hr2scim::agent
