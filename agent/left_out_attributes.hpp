#pragma once
// Attributes the target says it does not have, or was seen not to keep, are left out of what is
// sent and of what the state says was sent, instead of failing every request that names them.

#include "agent/read_and_map.hpp"
#include "scim/discovery.hpp"
#include "state/state_store.hpp"

#include <optional>
#include <vector>

namespace hr2scim::agent {

// Out of the stored bodies that were read (idempotent).
void leave_out_of_stored(const std::optional<scim::Capabilities>& capabilities,
                         std::vector<state::StoredResource>& resources);

// Out of the mapped people and the stored bodies; true when anything was left out.
bool leave_out_unknown(const scim::Capabilities& capabilities, MappedSource& mapped,
                       state::StateSnapshot& snapshot);

} // namespace hr2scim::agent
