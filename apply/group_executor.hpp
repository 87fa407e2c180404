#pragma once
// Sends a group plan to the target after the users' operations, one operation at a time in
// plan order: a group is created before members are added to it, and members are added only
// once their user has an id. Each change is recorded in the state as the target accepts it, so
// a run stopped half way resumes where it was: a create is journaled before its POST and looked
// up (by externalId, else display name) before it is sent again. A group the target already
// holds is looked up before any create: one with the rule's externalId (or, for a rule without
// one, of that name and holding only hr2scim's people) is taken over; a group of that name that
// this config did not make is left alone and reported, unless `groups.managed` names it.

#include "apply/breaker.hpp"
#include "scim/scim_client.hpp"
#include "state/group_plan.hpp"
#include "state/state_store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hr2scim::apply {

struct GroupResults {
    size_t created = 0;
    size_t renamed = 0;
    size_t members_added = 0;
    size_t members_removed = 0;
    size_t deleted = 0;
    size_t taken_over = 0;          // existing groups a create found on the target and took
    size_t failed = 0;              // operations that failed or could not be sent
    std::vector<std::string> lines; // one per failure, for the summary
    std::vector<std::string> notes; // one per group taken over
    // Operations never sent because the target was abandoned (or the run asked to stop), and why.
    size_t not_sent = 0;
    std::optional<std::string> not_sent_because;
};

struct GroupTarget {
    scim::ScimClient& client;
    state::StateStore& store;
    std::string name;         // the target's name in the state
    bool case_sensitive_keys; // how member keys compare with the state's users
    // A target that keeps failing (or refuses the credentials) is given up, as for users: the
    // rest is counted as not sent.
    BreakerSettings breaker = {};
};

// `users`: the state's users after this run's user operations (their SCIM ids).
[[nodiscard]] GroupResults execute_groups(const GroupTarget& target, const state::GroupPlan& plan,
                                          const std::vector<state::StoredResource>& users);

} // namespace hr2scim::apply
