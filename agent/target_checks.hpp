#pragma once
// What can be checked about the target and the state before a run starts, without contacting
// the target or creating the state.

#include "agent/config.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace hr2scim::agent {

// The state's folder exists and (`writing`) is writable: what sync needs; plan, which writes
// nothing, needs the folder alone.
[[nodiscard]] std::optional<std::string> state_location_problem(const std::filesystem::path& state,
                                                                bool writing = true);

// The target's secret and files are readable; why not, when they are not.
[[nodiscard]] std::optional<std::string> target_problem(const TargetConfig& target);

} // namespace hr2scim::agent
