#pragma once
// `hr2scim history KEY -o json`: what the history shows, as one JSON document for scripts,
// with stable field names (docs/operations.md, "Output for scripts", has an example).

#include "state/audit.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hr2scim::agent {

[[nodiscard]] nlohmann::ordered_json
history_to_json(const std::string& key, const std::vector<state::AuditRecord>& records);

} // namespace hr2scim::agent
