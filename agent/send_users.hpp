#pragma once
// Sends a plan to the target, the users' operations and then the groups' (members need their
// users' ids); each outcome reaches the state as it arrives, and what the target's answers
// taught is kept for later runs.

#include "agent/config.hpp"
#include "agent/daily_cap.hpp"
#include "apply/executor.hpp"
#include "apply/run_recorder.hpp"
#include "mappings/mapping.hpp"
#include "scim/target_profile.hpp"
#include "state/group_plan.hpp"
#include "state/state_store.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

namespace hr2scim::agent {

struct SendUsers {
    const Config& config;
    scim::ScimClient& client;
    apply::RunRecorder& recorder;
    std::int64_t run_id;
    mappings::Instant now;    // dates deactivations
    bool quiet;               // no progress line
    state::StateStore& store; // read (never written) for the users' ids before the groups
    const DailyCaps& caps;    // what the target's daily caps leave the run
    bool adopting = false;    // --adopt-existing on a first run: creates look their person up
};

// What a run sent: the users' outcomes, and the groups' where there were group operations.
struct Sent {
    std::vector<apply::Outcome> outcomes;
    apply::Tally tally;
    std::optional<apply::GroupResults> groups;
};

[[nodiscard]] Sent send_users(const SendUsers& send, const state::StateSnapshot& snapshot,
                              state::Plan& plan, const state::GroupPlan* groups,
                              const scim::TargetProfile& profile, std::ostream& out);

} // namespace hr2scim::agent
