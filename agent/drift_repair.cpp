#include "agent/drift_repair.hpp"

#include "agent/plan_policy.hpp"

#include <spdlog/spdlog.h>

namespace hr2scim::agent {

// target.reconcile_every: due after that many syncs, or that long, since the last one; and
// when there never was one.
bool reconcile_due(const TargetConfig& target, state::StateStore& store, mappings::Instant now) {
    if (!target.reconcile_every_runs && !target.reconcile_every) return false;
    auto last = store.last_reconcile(target.name);
    if (!last) return true;
    if (target.reconcile_every_runs && last->syncs_since + 1 >= *target.reconcile_every_runs)
        return true;
    return target.reconcile_every &&
           (!last->started_at || now - *last->started_at >= *target.reconcile_every);
}

// sync --reconcile: the snapshot as the target really holds the managed attributes.
Drift read_back(scim::ScimClient& client, state::StateSnapshot& snapshot,
                const mappings::Mapping& mapping, std::ostream& out) {
    auto drift = reconcile(client, snapshot, managed_paths(mapping));
    if (!mapping.groups.empty()) reconcile_groups(client, snapshot, drift);
    out << "Reconciled " << drift.checked << " users with the target: " << drift.changed.size()
        << " differed from what was sent, " << drift.vanished.size() << " vanished";
    if (drift.groups_checked > 0) {
        size_t missing = 0;
        for (const auto& [group, members] : drift.members_missing)
            missing += members.size();
        out << "; " << drift.groups_checked << " groups: " << drift.groups_vanished.size()
            << " vanished, " << missing << " members removed by someone else";
    }
    if (!drift.unreadable.empty())
        out << ", " << drift.unreadable.size() << " could not be read (left as they are)";
    out << ".\n\n";
    for (const auto& why : drift.unreadable)
        spdlog::warn("reconcile: {}", why);
    return drift;
}

// Operations that repair drift are shown as such; a vanished account nobody recreates is
// forgotten, so that no later run acts on an account that is not there.
void mark_repairs(state::Plan& plan, const Drift& drift, apply::RunRecorder& recorder) {
    std::set<std::string> recreated;
    for (auto& operation : plan.operations) {
        const bool vanished = drift.vanished.contains(operation.key);
        if (!vanished && !drift.changed.contains(operation.key)) continue;
        operation.repair = true;
        operation.set_decision(vanished ? "vanished from the target; created again"
                                        : "drift: the target no longer held what was sent");
        if (vanished) recreated.insert(operation.key);
    }
    for (const auto& key : drift.vanished)
        if (!recreated.contains(key)) recorder.forget(key);
}

void mark_group_repairs(state::GroupPlan& plan, const Drift& drift) {
    for (auto& operation : plan.operations) {
        if (drift.groups_vanished.contains(operation.key))
            operation.decision = "vanished from the target; created again";
        else if (operation.kind == state::GroupOperationKind::add_members &&
                 drift.members_missing.contains(operation.key))
            operation.decision = "drift: removed on the target by someone else; put back";
    }
}

} // namespace hr2scim::agent
