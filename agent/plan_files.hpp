#pragma once
// `plan --out FILE`: the plan as a file to review and apply later, with where it came from.

#include "agent/prepare.hpp"
#include "state/plan_file.hpp"
#include "state/state_store.hpp"

#include <filesystem>
#include <ostream>
#include <string_view>

namespace hr2scim::agent {

constexpr std::string_view k_groups_not_in_plan_files =
    "Groups are not in plan files: `apply` sends the users' changes, and the next `sync` the "
    "groups'.\n";

// The target, config, mapping and state a plan was made from, and the run's instant.
[[nodiscard]] state::PlanOrigin origin_of(const Prepared& prepared,
                                          const state::StateSnapshot& snapshot);

// It holds people's data, so only its owner reads it.
void write_plan_file(const std::filesystem::path& file, const state::Plan& plan,
                     const state::PlanOrigin& origin, const std::filesystem::path& config_file,
                     std::ostream& out);

} // namespace hr2scim::agent
