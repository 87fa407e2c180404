#pragma once
// When a sync reads the target back, and what it makes of what it found.

#include "agent/config.hpp"
#include "agent/reconcile.hpp"
#include "apply/run_recorder.hpp"
#include "mappings/mapping.hpp"
#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <ostream>

namespace hr2scim::agent {

// target.reconcile_every: due after that many syncs, or that long, since the last one; and
// when there never was one.
[[nodiscard]] bool reconcile_due(const TargetConfig& target, state::StateStore& store,
                                 mappings::Instant now);

// sync --reconcile: the snapshot as the target really holds the managed attributes.
[[nodiscard]] Drift read_back(scim::ScimClient& client, state::StateSnapshot& snapshot,
                              const mappings::Mapping& mapping, std::ostream& out);

// Operations that repair drift are shown as such; a vanished account nobody recreates is
// forgotten, so that no later run acts on an account that is not there.
void mark_repairs(state::Plan& plan, const Drift& drift, apply::RunRecorder& recorder);

// Group operations that repair drift say so (in the plan and the audit trail).
void mark_group_repairs(state::GroupPlan& plan, const Drift& drift);

} // namespace hr2scim::agent
