#pragma once
// Reading the groups of one target from the state (schema 6 and later).

#include "state/sqlite.hpp"
#include "state/stored_group.hpp"

#include <string>
#include <vector>

namespace hr2scim::state {

[[nodiscard]] std::vector<StoredGroup> load_groups(Database& db, const std::string& target);

} // namespace hr2scim::state
