#pragma once
// Drift repair (`sync --reconcile`): reads each managed user back from the target and puts
// into the state snapshot what the target really holds of the managed attributes, so that
// the planner repairs what was changed or deleted behind hr2scim's back. Attributes no rule
// sets, and users hr2scim does not manage, are never read into the plan or touched.

#include "scim/scim_client.hpp"
#include "state/state_store.hpp"

#include <map>
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

    // Groups hr2scim made or manages, read back the same way.
    size_t groups_checked = 0;
    std::set<std::string> groups_vanished; // group keys: created again with their members
    // group key -> member keys hr2scim added that the group no longer holds: put back.
    std::map<std::string, std::vector<std::string>> members_missing;
};

// One GET per user (listing in pages comes with the target dialects). Stops at the first
// answer that makes the target unusable.
[[nodiscard]] Drift reconcile(scim::ScimClient& client, state::StateSnapshot& snapshot,
                              const std::optional<std::vector<std::string>>& managed_paths);

// The snapshot's groups as the target holds them: a group deleted on the target leaves the
// snapshot (the planner creates it again, with its members); a member hr2scim added and someone
// removed leaves the stored group's members (the planner adds them back). Members someone else
// added are not hr2scim's and stay. One GET per group; stops when the target is unusable.
void reconcile_groups(scim::ScimClient& client, state::StateSnapshot& snapshot, Drift& drift);

} // namespace hr2scim::agent
