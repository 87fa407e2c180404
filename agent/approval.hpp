#pragma once
// --approve-withheld DIGEST: an approval names the exact withheld set it was given for; a set
// that changed since (the HR file changed, someone else left) is not sent, and the run stays
// gated.

#include "agent/run.hpp"
#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <ostream>

namespace hr2scim::agent {

// Releases the users' withheld set when the approval names it; true when it did.
bool approve_withheld(state::Plan& plan, const RunOptions& options, std::ostream& out);
// The same for the groups' withheld removals (their sets start with "g").
bool approve_withheld(state::GroupPlan& plan, const RunOptions& options, std::ostream& out);
// An approval that named neither withheld set.
void refuse_approval(const state::Plan& plan, const state::GroupPlan* groups,
                     const RunOptions& options, std::ostream& out);

} // namespace hr2scim::agent
