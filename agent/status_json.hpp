#pragma once
// `hr2scim status -o json`: what the status table shows, as one JSON document for scripts,
// with stable field names (docs/operations.md, "Output for scripts", has an example).

#include "state/run_history.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

namespace hr2scim::agent {

[[nodiscard]] nlohmann::ordered_json
status_to_json(const std::vector<state::TargetHistory>& targets,
               const std::filesystem::path& state);

} // namespace hr2scim::agent
