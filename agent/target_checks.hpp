#pragma once
// What can be checked about the target and the state before a run starts, without contacting
// the target or creating the state.

#include "agent/config.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace hr2scim::agent {

// The target's secret and files are readable; why not, when they are not.
[[nodiscard]] std::optional<std::string> target_problem(const TargetConfig& target);

} // namespace hr2scim::agent
