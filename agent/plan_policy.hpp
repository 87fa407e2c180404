#pragma once
// What the planner is told about a run: the safety limits, the people it must not touch, what
// a failed read leaves unsure, and the managers who left.

#include "agent/read_and_map.hpp"
#include "state/planner.hpp"

#include <set>
#include <string>
#include <vector>

namespace hr2scim::agent {

// The diff path of each attribute the mapping sets: multi-valued attributes (emails) are
// replaced whole, complex ones (name) and extensions change by sub-attribute.
[[nodiscard]] std::vector<std::string> managed_paths(const mappings::Mapping& mapping);

// The mapping's paths that `user_attributes` (what the target's /Schemas describe, as
// scim::Capabilities keeps them) lacks: sync leaves them out.
[[nodiscard]] std::vector<std::string>
paths_the_target_lacks(const mappings::Mapping& mapping,
                       const std::set<std::string>& user_attributes);

[[nodiscard]] state::PlanPolicy policy_for(const Prepared& prepared, const RunOptions& options,
                                           const MappedSource& mapped);

// Managers no record names and the state does not know: those this target deleted after they
// left (the audit trail remembers) are not unknown. True when there are such (plan again).
bool note_departed_managers(state::PlanPolicy& policy,
                            const std::vector<state::RejectedLink>& unknown, const Config& config);

} // namespace hr2scim::agent
