#pragma once
// The state schema, versioned: each migration moves it one version up.

#include "state/sqlite.hpp"

namespace hr2scim::state {

inline constexpr int k_schema_version = 12;

// Applies every missing migration; refuses a file written by a newer hr2scim.
void migrate(Database& db);

} // namespace hr2scim::state
