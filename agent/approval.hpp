#pragma once
// --approve-withheld DIGEST: an approval names the run's one withheld set (the users'
// deactivations and deletions a safety gate held back, and the groups' member removals and
// deletions), and applies only while the set is still that one; a set that changed since (the
// HR file changed, someone else left) is not sent, and the run stays gated.

#include "agent/run.hpp"
#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <functional>
#include <optional>
#include <ostream>

namespace hr2scim::agent {

// Releases what the approval names; true when it did. Releasing the users' deactivations
// changes the groups' plan (the people deactivated leave their groups): `plan_groups` plans
// them again, and of the group removals then withheld, only those in the approved set go.
bool approve_withheld(state::Plan& plan, std::optional<state::GroupPlan>& groups,
                      const std::function<state::GroupPlan()>& plan_groups,
                      const RunOptions& options, std::ostream& out);

// "Withheld set <digest>. After reviewing it, ...", when the run withholds anything an approval
// can release.
void print_withheld_set(std::ostream& out, const state::Plan& plan, const state::GroupPlan* groups);

// An approval that did not name this run's withheld set.
void refuse_approval(const state::Plan& plan, const state::GroupPlan* groups,
                     const RunOptions& options, std::ostream& out);

} // namespace hr2scim::agent
