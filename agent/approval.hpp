#pragma once
// --approve-withheld DIGEST: an approval names the run's one withheld set (the users'
// deactivations and deletions a safety gate held back, and the groups' member removals and
// deletions), and applies only while the set is still that one; a set that changed since (the
// HR file changed, someone else left) is not sent, and the run stays gated.

#include "agent/run.hpp"
#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

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

// The command that sends withheld set `digest`: `hr2scim sync -c CONFIG --approve-withheld
// DIGEST`, with `--target NAME` when `target` is not empty (a config with several).
[[nodiscard]] std::string approve_command(const std::filesystem::path& config,
                                          std::string_view target, std::string_view digest);

// An approval that did not name this run's withheld set.
void refuse_approval(const state::Plan& plan, const state::GroupPlan* groups,
                     const RunOptions& options, std::ostream& out);

} // namespace hr2scim::agent
