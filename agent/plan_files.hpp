#pragma once
// `plan --out FILE`: the plan as a file to review and apply later, with where it came from.

#include "agent/prepare.hpp"
#include "state/plan_file.hpp"
#include "state/state_store.hpp"

#include <filesystem>
#include <ostream>
#include <string_view>

namespace hr2scim::agent {

// The target, config, mapping and state a plan was made from, and the run's instant.
[[nodiscard]] state::PlanOrigin origin_of(const Prepared& prepared,
                                          const state::StateSnapshot& snapshot);

// It holds people's data, so only its owner reads it.
// `groups`: the group changes, when the mapping has group rules.
void write_plan_file(const std::filesystem::path& file, const state::Plan& plan,
                     const state::GroupPlan* groups, const state::PlanOrigin& origin,
                     const std::filesystem::path& config_file, std::ostream& out);

} // namespace hr2scim::agent
