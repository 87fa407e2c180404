#pragma once
// Sends a group plan to the target after the users' operations, one operation at a time in
// plan order: a group is created before members are added to it, and members are added only
// once their user has an id. Each change is recorded in the state as the target accepts it, so
// a run stopped half way resumes where it was: a create is journaled before its POST and looked
// up (by externalId, else display name) before it is sent again. A group the target already
// holds that hr2scim did not create is never taken over.

#include "scim/scim_client.hpp"
#include "state/group_plan.hpp"
#include "state/state_store.hpp"

#include <string>
#include <vector>

namespace hr2scim::apply {

struct GroupResults {
    size_t created = 0;
    size_t renamed = 0;
    size_t members_added = 0;
    size_t members_removed = 0;
    size_t deleted = 0;
    size_t failed = 0;              // operations that failed or could not be sent
    std::vector<std::string> lines; // one per failure, for the summary
};

struct GroupTarget {
    scim::ScimClient& client;
    state::StateStore& store;
    std::string name;         // the target's name in the state
    bool case_sensitive_keys; // how member keys compare with the state's users
};

// `users`: the state's users after this run's user operations (their SCIM ids).
[[nodiscard]] GroupResults execute_groups(const GroupTarget& target, const state::GroupPlan& plan,
                                          const std::vector<state::StoredResource>& users);

} // namespace hr2scim::apply
