#include "agent/apply_file.hpp"

#include "agent/first_run.hpp"
#include "agent/group_report.hpp"
#include "agent/outcome_printer.hpp"
#include "agent/plan_files.hpp"
#include "agent/plan_printer.hpp"
#include "agent/run_lock.hpp"
#include "agent/run_session.hpp"
#include "agent/send_users.hpp"
#include "agent/target_checks.hpp"
#include "agent/target_connection.hpp"
#include "http/json_body.hpp"

#include <chrono>

namespace hr2scim::agent {
namespace {

state::PlanFile read_plan_file(const std::filesystem::path& path) {
    auto parsed =
        http::parse_json_body(read_text_file(path, "the plan file", state::k_max_plan_file_bytes));
    if (!parsed) throw ConfigError(path.string() + ": " + parsed.error());
    auto file = state::plan_from_json(*parsed);
    if (!file) throw ConfigError(path.string() + ": " + file.error());
    return std::move(*file);
}

// What changed since the plan was made, "" when nothing did.
std::string changed_since(const state::PlanOrigin& then, const state::PlanOrigin& now) {
    std::vector<std::string> changed;
    if (then.target != now.target)
        changed.push_back("it is for target " + then.target + ", not " + now.target);
    if (then.config_fingerprint != now.config_fingerprint)
        changed.emplace_back("the config changed");
    if (then.mapping_fingerprint != now.mapping_fingerprint)
        changed.emplace_back("the mapping changed");
    if (then.state_revision != now.state_revision)
        changed.emplace_back("the state changed (another run applied changes)");
    std::string why;
    for (const auto& reason : changed)
        why += (why.empty() ? "" : "; ") + reason;
    return why;
}

// The file still applies: made from this config, mapping and state, naming only the accounts
// the state holds for its keys (an edited scim_id would change an account hr2scim never
// managed). False, with the reason printed, when it does not.
bool still_applies(const Prepared& prepared, const RunOptions& options, const state::PlanFile& file,
                   const state::StateSnapshot& snapshot, std::ostream& out) {
    const auto why = changed_since(file.origin, origin_of(prepared, snapshot));
    if (!why.empty()) {
        out << "NOT APPLIED: since " << options.plan_file.string() << " was made, " << why
            << ". Make and review a new plan.\n";
        return false;
    }
    auto foreign =
        state::foreign_account(file.plan, snapshot.resources, prepared.config.case_sensitive_keys);
    if (!foreign) foreign = state::foreign_group(file.groups, snapshot.groups);
    if (foreign) {
        out << "NOT APPLIED: " << options.plan_file.string() << ": " << *foreign
            << ". Nothing was sent. Make and review a new plan.\n";
        return false;
    }
    out << "Plan " << options.plan_file.string() << " (operations digest " << file.digest
        << ") matches the config, the mapping and the state.\n";
    return true;
}

// Sends the file's plan in a run of its own, closed as a sync's is.
ExitCode send_plan(const Prepared& prepared, const RunOptions& options, state::PlanFile& file,
                   const http::Credentials& credentials, state::StateStore& store,
                   const state::StateSnapshot& snapshot, std::ostream& out) {
    const auto& config = prepared.config;
    const auto started = std::chrono::steady_clock::now();
    apply::RunRecorder recorder(store, config.target.name, config.audit_sensitive);
    RunSession session(config, recorder, "apply", "", options.report);
    const auto caps =
        daily_caps(config.target, store,
                   std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (const auto* spent = caps.spent()) {
        out << "NOT APPLIED: " << spent->spent_text() << " Nothing was sent.\n";
        return session.close({.facts = {.failed_operations = file.plan.operations.size()},
                              .plan = &file.plan,
                              .stopped_because = spent->spent_text(),
                              .caps = &caps});
    }
    Connection target(config, credentials);
    target.client.allow(caps.allowance()); // before the first request, preflight's
    auto profile = preflight(config.target, target.client, out, snapshot.target_capabilities);
    const auto sent = target.client.requests_sent();
    if (!profile)
        return session.close(
            {.facts = {.target_unusable = true},
             .counts = {.requests_sent = sent.requests, .writes_sent = sent.writes},
             .plan = &file.plan,
             .stopped_because = "the target could not be used (the log says why)",
             .caps = &caps});
    // A first run's plan made without --adopt-existing: as sync, nothing goes to a target that
    // holds users already (a lost or mistyped state looks the same).
    const bool first_run = snapshot.resources.empty();
    if (first_run && !file.origin.adopt_existing &&
        !scim::TargetProfile::uploads_only(config.target.profile) &&
        file.plan.count(state::OperationKind::create) > 0)
        if (auto stop = first_run_stop(target.client, config)) {
            out << "NOT APPLIED: " << stop->why
                << ". Make the plan again with --adopt-existing to take them over.\n";
            const auto probed = target.client.requests_sent();
            return session.close(
                {.facts = {.target_unusable = stop->unanswered, .gate_stopped = !stop->unanswered},
                 .counts = {.requests_sent = probed.requests, .writes_sent = probed.writes},
                 .plan = &file.plan,
                 .stopped_because = stop->unanswered
                                        ? "a first run: the target could not say whether it "
                                          "holds users"
                                        : "a first run against a target that holds users: the "
                                          "plan was not made with --adopt-existing",
                 .caps = &caps});
        }
    auto [outcomes, result, groups_sent] =
        send_users({config, target.client, recorder, session.id(), file.origin.as_of, options.quiet,
                    store, caps, first_run && file.origin.adopt_existing},
                   snapshot, file.plan, &file.groups, *profile, out);
    const auto all_sent = target.client.requests_sent();
    const state::RunCounts counts{.created = result.created,
                                  .updated = result.updated,
                                  .deactivated = result.deactivated,
                                  .reactivated = result.reactivated,
                                  // Left for a later run by a budget: not a failure,
                                  // as for sync.
                                  .failed = result.failed + result.skipped - result.deferred,
                                  .requests_sent = all_sent.requests,
                                  .writes_sent = all_sent.writes};
    const auto code =
        session.close({.facts = {.abandoned = result.abandoned.has_value(),
                                 .groups_not_sent = groups_sent && groups_sent->not_sent > 0,
                                 .failed_operations = counts.failed,
                                 .failed_group_changes = groups_sent ? groups_sent->failed : 0},
                       .counts = counts,
                       .plan = &file.plan,
                       .groups = &file.groups,
                       .outcomes = &outcomes,
                       .tally = &result,
                       .caps = &caps});
    print_summary(
        out, config.target.name, counts, result,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    print_outcomes(out, outcomes, result, options.show_operations);
    if (groups_sent) print_groups_sent(out, config.target.name, *groups_sent);
    return code;
}

} // namespace

ExitCode apply_plan_file(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    const auto& config = prepared.config;
    RunLock lock(config.state, RunLock::Mode::exclusive);
    auto file = read_plan_file(options.plan_file);
    if (auto problem = target_problem(config.target)) throw ConfigError(*problem);
    const auto credentials = resolve_credentials(config.target);
    state::StateStore store(config.state);
    const auto snapshot = store.snapshot(config.target.name);
    if (!still_applies(prepared, options, file, snapshot, out)) return ExitCode::failed;
    file.plan.release_withheld();
    file.groups.release_withheld();
    print_plan(out, file.plan, config.target.name, options.show_operations);
    print_group_operations(out, file.groups);
    return send_plan(prepared, options, file, credentials, store, snapshot, out);
}

} // namespace hr2scim::agent
