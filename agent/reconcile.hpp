#pragma once
// Drift repair (`sync --reconcile`): reads each managed user back from the target and puts
// into the state snapshot what the target really holds of the managed attributes, so that
// the planner repairs what was changed or deleted behind hr2scim's back. Attributes no rule
// sets, and users hr2scim does not manage, are never read into the plan or touched.

#include "scim/scim_client.hpp"
#include "state/state_store.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hr2scim::agent {

struct Drift {
    size_t checked = 0;
    std::set<std::string> changed;       // keys whose managed attributes differ on the target
    std::set<std::string> vanished;      // keys whose account the target no longer has
    std::vector<std::string> unreadable; // "E1: HTTP 500 ..." (left as the state says)
};

// One GET per user (listing in pages comes with the target dialects). Stops at the first
// answer that makes the target unusable.
[[nodiscard]] Drift reconcile(scim::ScimClient& client, state::StateSnapshot& snapshot,
                              const std::optional<std::vector<std::string>>& managed_paths);

} // namespace hr2scim::agent
