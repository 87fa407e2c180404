#pragma once
// A first run: the state holds nobody for the target. Against a target that holds users
// already, a lost or mistyped state file looks exactly like this, and the creates would take
// over every account that matches one of this config's people. That is asked for once
// (--adopt-existing); until then nothing is sent.

#include "agent/config.hpp"
#include "scim/scim_client.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace hr2scim::agent {

struct FirstRunStop {
    std::string why;         // a sentence naming the state, the target and the choice
    bool unanswered = false; // the target could not say whether it holds users
};

// The first page of users, one user long, however the target pages (by cursor or by index).
[[nodiscard]] scim::CallResult<scim::ListPage> first_user(scim::ScimClient& client);

// Asks the target for one user (one GET): a page that lists users, or says it holds some, stops
// the run; so does one that cannot be read. Nothing when the target holds nobody.
[[nodiscard]] std::optional<FirstRunStop> first_run_stop(scim::ScimClient& client,
                                                         const Config& config);

// What a first run's plan says ahead: what sync will ask, or what --adopt-existing will do.
[[nodiscard]] std::string first_run_note(const Config& config, size_t creates, bool adopting);

} // namespace hr2scim::agent
