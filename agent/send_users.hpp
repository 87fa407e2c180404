#pragma once
// Sends the users' operations of a plan to the target; each outcome reaches the state as it
// arrives, and what the target's answers taught is kept for later runs.

#include "agent/config.hpp"
#include "apply/executor.hpp"
#include "apply/run_recorder.hpp"
#include "mappings/mapping.hpp"
#include "scim/target_profile.hpp"
#include "state/state_store.hpp"

#include <cstdint>
#include <ostream>
#include <utility>
#include <vector>

namespace hr2scim::agent {

struct SendUsers {
    const Config& config;
    scim::ScimClient& client;
    apply::RunRecorder& recorder;
    std::int64_t run_id;
    mappings::Instant now; // dates deactivations
    bool quiet;            // no progress line
};

[[nodiscard]] std::pair<std::vector<apply::Outcome>, apply::Tally>
send_users(const SendUsers& send, const state::StateSnapshot& snapshot, const state::Plan& plan,
           const scim::TargetProfile& profile, std::ostream& out);

} // namespace hr2scim::agent
