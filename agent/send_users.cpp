#include "agent/send_users.hpp"

#include "agent/progress.hpp"
#include "apply/recorder.hpp"
#include "apply/upload_sender.hpp"

namespace hr2scim::agent {
namespace {

// Which source key owns each account, as the state says: an account is never handed to another.
apply::AccountOwners owners_of(const state::StateSnapshot& snapshot, bool case_sensitive_keys) {
    std::map<std::string, std::string> key_by_id;
    for (const auto& resource : snapshot.resources)
        if (!resource.scim_id.empty()) key_by_id[resource.scim_id] = resource.key;
    return {std::move(key_by_id), case_sensitive_keys};
}

// Said once, here, and kept for the next runs: what the target's answers taught.
void keep_learnt(const apply::Learnt& learnt, const scim::TargetProfile& profile,
                 apply::RunRecorder& recorder, std::ostream& out) {
    auto kept = profile.capabilities();
    for (const auto& [path, evidence] : learnt.unkept)
        if (kept.unkept.emplace(path, evidence).second)
            out << "Learnt: the target does not keep " << path << " (" << evidence
                << "); left out of what is sent and compared from now on\n";
    if (!learnt.patch_refused.empty() && kept.patch_refused.empty()) {
        kept.patch_refused = learnt.patch_refused;
        out << "Learnt: the target does not take PATCH (" << learnt.patch_refused
            << "); changes are read-modify-write PUTs from now on. Say `target.profile: "
               "put_only` in the config to make it explicit\n";
    }
    if (learnt.member_cap > 0 && (kept.member_cap == 0 || learnt.member_cap < kept.member_cap)) {
        kept.member_cap = learnt.member_cap;
        kept.member_cap_evidence = learnt.member_cap_evidence;
        out << "Learnt: the target takes at most " << learnt.member_cap
            << " members in one group request (" << learnt.member_cap_evidence
            << "); group changes are sent in requests of that size from now on. Set "
               "`target.max_member_changes_per_patch` to say so\n";
    }
    recorder.remember_capabilities(scim::to_json(kept));
}

// The run's own budget: operations_per_run, or what the daily caps leave once the requests
// sent so far (preflight, read-back) are counted, whichever is smaller.
void limit_operations(const SendUsers& send, apply::ExecutorSettings& settings) {
    const auto& target = send.config.target;
    settings.max_operations = target.operations_per_run;
    settings.budget_setting =
        target.operations_per_run ? "target.budget.operations_per_run" : "target.budget.run_time";
    const auto left = send.caps.operations_left(send.client.requests_sent());
    if (left && (!settings.max_operations || left->first < *settings.max_operations)) {
        settings.max_operations = left->first;
        settings.budget_setting = left->second;
    }
}

} // namespace

Sent send_users(const SendUsers& send, const state::StateSnapshot& snapshot, state::Plan& plan,
                const state::GroupPlan* groups, const scim::TargetProfile& profile,
                std::ostream& out) {
    const auto& config = send.config;
    auto to_state = send.recorder.outcomes(send.run_id, send.now);
    ProgressLine progress(to_state, plan.operations.size(),
                          !send.quiet && ProgressLine::stderr_is_terminal(), stderr);
    apply::ExecutorSettings settings{
        .breaker = config.target.breaker,
        .concurrency = config.target.max_concurrency,
        .target = profile.capabilities(),
        .bulk = config.target.bulk,
        .requests_counted = config.target.budget.writes ||
                            config.target.budget.requests_per_second > 0 ||
                            config.target.writes_per_day || config.target.requests_per_day,
        .case_sensitive_keys = config.case_sensitive_keys,
        .adopting = send.adopting,
        .max_operations = std::nullopt,
        .deadline = std::nullopt,
        .budget_setting = {}};
    limit_operations(send, settings);
    if (config.target.run_time)
        settings.deadline = std::chrono::steady_clock::now() + *config.target.run_time;
    Sent sent;
    if (scim::TargetProfile::uploads_only(profile.dialect())) {
        // Users only (prepare() refuses groups for it), each taken to process later.
        std::map<std::string, std::string> accounts;
        for (const auto& resource : snapshot.resources)
            if (!resource.scim_id.empty()) accounts[resource.key] = resource.scim_id;
        apply::UploadSender sender(send.client, progress,
                                   {.case_sensitive_keys = config.case_sensitive_keys,
                                    .max_operations = settings.max_operations,
                                    .deadline = settings.deadline,
                                    .budget_setting = settings.budget_setting});
        sent.outcomes = sender.run(plan, accounts);
        sent.tally = apply::tally(sent.outcomes, sender.abandoned());
        sent.tally.pace = send.client.pace_report();
        return sent;
    }
    apply::Executor executor(send.client, progress, owners_of(snapshot, config.case_sensitive_keys),
                             settings);
    // Offboarding first: the deactivations and deletions, then the group member removals
    // (members the state knows), then everything else; members added need the ids the users'
    // run recorded.
    const bool has_groups = groups && !groups->operations.empty();
    std::vector<apply::GroupOutcome> group_outcomes;
    const std::set<apply::Urgency> removals{apply::Urgency::restrict};
    sent.outcomes = executor.run(plan, [&] {
        if (!has_groups) return;
        group_outcomes = executor.run_groups(
            *groups, send.store.snapshot(config.target.name, false).resources, removals);
    });
    sent.tally = apply::tally(sent.outcomes, executor.abandoned());
    sent.tally.pace = send.client.pace_report();
    if (has_groups) {
        auto rest = executor.run_groups(
            *groups, send.store.snapshot(config.target.name, false).resources,
            {apply::Urgency::revoke, apply::Urgency::change, apply::Urgency::grant});
        std::ranges::move(rest, std::back_inserter(group_outcomes));
        sent.groups = apply::tally(group_outcomes);
    }
    if (const auto learnt = executor.learnt(); !learnt.empty())
        keep_learnt(learnt, profile, send.recorder, out);
    return sent;
}

} // namespace hr2scim::agent
