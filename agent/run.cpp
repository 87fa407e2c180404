#include "agent/run.hpp"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/applier.hpp"
#include "agent/config.hpp"
#include "agent/plan_printer.hpp"
#include "agent/run_lock.hpp"
#include "connectors/source_registry.hpp"
#include "mappings/mapper.hpp"
#include "state/planner.hpp"
#include "state/source_guard.hpp"
#include "state/state_store.hpp"

namespace hr2scim::agent {
namespace {

using state::OperationKind;

struct Prepared {
    Config config;
    mappings::Mapping mapping;
    std::unique_ptr<connectors::Source> source;
};

struct MappedSource {
    connectors::SourceRead read;
    size_t yielded = 0; // records the source returned, readable or not
    std::vector<scim::DesiredResource> desired;
    std::vector<connectors::Rejection> rejections; // from the source and from mapping
};

Prepared prepare(const std::filesystem::path& config_file, const std::string& log_level) {
    Prepared prepared{load_config(config_file), {}, {}};
    spdlog::set_level(spdlog::level::from_str(log_level.empty() ? prepared.config.log_level : log_level));
    prepared.mapping = mappings::load_mapping(prepared.config.mapping);
    const auto* kind = connectors::find_source_kind(prepared.config.source_type);
    try {
        prepared.source = kind->make(prepared.config.source);
    } catch (const connectors::OptionError& error) {
        throw ConfigError(config_file.string() + ": source." + error.option + ": " + error.what());
    }
    return prepared;
}

MappedSource read_and_map(const Prepared& prepared) {
    auto started = std::chrono::steady_clock::now();
    MappedSource mapped{prepared.source->read(), 0, {}, {}};
    auto& read = mapped.read;
    if (!read.attribute_names.empty()) {
        auto errors = mappings::check_source_attributes(prepared.mapping, read.attribute_names);
        if (!errors.empty()) throw ConfigError(fmt::format("{}", fmt::join(errors, "\n")));
    }
    mapped.yielded = read.records.size() + read.rejections.size();
    mapped.rejections = std::move(read.rejections);
    for (const auto& record : read.records) {
        auto desired = mappings::map_record(prepared.mapping, record);
        if (desired) {
            mapped.desired.push_back(std::move(*desired));
        } else {
            mapped.rejections.push_back({record.origin, record.key, desired.error()});
        }
    }
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("read {} records from {} in {:.2f} s: {} mapped, {} rejected{}", read.records.size(),
                 prepared.source->describe(), elapsed, mapped.desired.size(), mapped.rejections.size(),
                 read.complete() ? "" : "; the source FAILED");
    for (const auto& rejection : mapped.rejections)
        spdlog::warn("rejected {}{}: {}", rejection.origin, rejection.key.empty() ? "" : " (key " + rejection.key + ")",
                     rejection.reason);
    return mapped;
}

void print_rejections(std::ostream& out, const MappedSource& mapped) {
    if (!mapped.read.complete())
        out << "\nSOURCE FAILED: " << *mapped.read.failure << "\nNobody is deactivated in this run.\n";
    if (mapped.rejections.empty()) return;
    out << "\nRejected " << mapped.rejections.size() << (mapped.rejections.size() == 1 ? " record" : " records")
        << " (their users are left as they are):\n";
    for (const auto& rejection : mapped.rejections) out << "  ! " << rejection.origin << ": " << rejection.reason << '\n';
}

// A complete read with too few records, or far fewer than last time, is a failed read.
void guard_completeness(MappedSource& mapped, std::optional<size_t> last_complete, state::SourceGuards guards,
                        bool allow_shrink) {
    if (!mapped.read.complete()) return;
    if (allow_shrink) guards.max_shrink_percent = 100;
    if (auto problem = state::completeness_problem(mapped.yielded, last_complete, guards)) {
        spdlog::error("{}", *problem);
        mapped.read.failure = *problem + (allow_shrink ? "" : "; if this is right, run once with --allow-shrink");
    }
}

state::PlanPolicy policy_for(const Config& config, const RunOptions& options, const MappedSource& mapped) {
    state::PlanPolicy policy;
    policy.limits = config.safety;
    if (options.max_deactivations) {
        policy.limits.max_deactivations = *options.max_deactivations;
        policy.limits.max_deactivation_percent = 100;
    }
    if (!mapped.read.complete()) policy.source_incomplete = "the source failed: " + *mapped.read.failure;
    size_t unknown_keys = 0;
    for (const auto& rejection : mapped.rejections) {
        if (rejection.key.empty()) {
            ++unknown_keys;
        } else {
            policy.protected_keys.insert(rejection.key);
        }
    }
    if (unknown_keys > 0 && !policy.source_incomplete)
        policy.source_incomplete = fmt::format("{} source record{} could not be read far enough to know whose {}",
                                               unknown_keys, unknown_keys == 1 ? "" : "s",
                                               unknown_keys == 1 ? "it is" : "they are");
    return policy;
}

ExitCode plan_exit_code(const state::Plan& plan, const MappedSource& mapped, bool detailed) {
    if (!mapped.read.complete()) return ExitCode::failed;
    if (plan.stopped_by_gate) return ExitCode::safety_stop;
    if (detailed && !plan.operations.empty()) return ExitCode::changes_pending;
    return ExitCode::ok;
}

ExitCode sync_exit_code(const state::Plan& plan, const MappedSource& mapped, const ApplyResult& result) {
    if (!mapped.read.complete() || result.target_unusable) return ExitCode::failed;
    if (plan.stopped_by_gate) return ExitCode::safety_stop;
    if (!result.failures.empty() || !mapped.rejections.empty()) return ExitCode::partial;
    return ExitCode::ok;
}

void print_summary(std::ostream& out, const std::string& target, const state::RunCounts& counts,
                   const ApplyResult& result, double seconds) {
    out << fmt::format("\nApplied to target \"{}\" in {:.2f} s: {} created, {} updated, {} deactivated, {} reactivated, "
                       "{} unchanged, {} rejected, {} failed{}.\n",
                       target, seconds, counts.created, counts.updated, counts.deactivated, counts.reactivated,
                       counts.unchanged, counts.rejected, counts.failed,
                       counts.withheld ? fmt::format(", {} deactivations withheld", counts.withheld) : "");
    for (const auto& failure : result.failures)
        out << "  ! " << failure.what << " " << failure.key << ": " << failure.message << '\n';
    if (result.target_unusable)
        out << "The target could not be used; " << result.skipped << " further operations were not attempted.\n";
}

ExitCode validate(const Prepared& prepared, std::ostream& out) {
    auto mapped = read_and_map(prepared);
    out << "Config " << prepared.config.file.string() << " and mapping " << prepared.mapping.file.string()
        << " are valid.\nSource " << prepared.source->describe() << ": " << mapped.read.records.size()
        << " records, " << mapped.desired.size() << " mapped.\n";
    print_rejections(out, mapped);
    if (!mapped.read.complete()) return ExitCode::failed;
    return mapped.rejections.empty() ? ExitCode::ok : ExitCode::partial;
}

ExitCode plan_or_sync(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    const auto& config = prepared.config;
    const bool sync = options.command == Command::sync;
    std::optional<RunLock> lock;
    std::string token;
    if (sync) {
        lock.emplace(config.state);
        token = resolve_token(config.target); // before any work: a missing secret fails fast
    }
    auto mapped = read_and_map(prepared);
    state::StateStore store(config.state);
    const std::string source_id = prepared.source->describe();
    guard_completeness(mapped, store.last_complete_read(source_id), config.source_guards, options.allow_shrink);
    auto plan = state::make_plan(mapped.desired, store.load(config.target.name), policy_for(config, options, mapped));
    print_plan(out, plan, config.target.name);
    print_rejections(out, mapped);
    if (!sync) return plan_exit_code(plan, mapped, options.detailed_exitcode);

    auto started = std::chrono::steady_clock::now();
    auto run_id = store.begin_run(config.target.name, "sync");
    http::HttpClient http({std::chrono::seconds(10), config.target.timeout, config.target.ca_file, "hr2scim/0.1"});
    scim::ScimClient client({config.target.name, config.target.url, token}, http,
                            http::RetryPolicy{config.target.max_retries + 1, std::chrono::milliseconds(500),
                                              std::chrono::seconds(60)});
    auto result = Applier(client, store, config.target.name).apply(plan);
    state::RunCounts counts{mapped.read.records.size(), result.created, result.updated, result.deactivated,
                            result.reactivated, plan.unchanged, mapped.rejections.size(), result.failures.size(),
                            plan.withheld.size(), mapped.read.complete()};
    auto code = sync_exit_code(plan, mapped, result);
    if (mapped.read.complete()) store.record_complete_read(source_id, mapped.yielded);
    store.finish_run(run_id, counts, static_cast<int>(code));
    print_summary(out, config.target.name, counts, result,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return code;
}

} // namespace

ExitCode run(const RunOptions& options, std::ostream& out) {
    auto prepared = prepare(options.config, options.log_level);
    if (options.command == Command::validate) return validate(prepared, out);
    return plan_or_sync(prepared, options, out);
}

} // namespace hr2scim::agent
