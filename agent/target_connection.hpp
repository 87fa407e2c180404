#pragma once
// One connection to the target for a run, and the preflight that asks the target what it is
// before anything is sent.

#include "agent/config.hpp"
#include "http/http_client.hpp"
#include "scim/scim_client.hpp"
#include "scim/target_profile.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

namespace hr2scim::agent {

// Reading back and sending share it.
struct Connection {
    Connection(const Config& config, const http::Credentials& credentials);
    http::HttpClient http;
    scim::ScimClient client;
};

// The target's profile from what it says, what earlier runs learnt (`earlier`, as the state
// keeps it) and target.profile. Nothing when it cannot be used (the reason is printed).
[[nodiscard]] std::optional<scim::TargetProfile>
preflight(const TargetConfig& target, scim::ScimClient& client, std::ostream& out,
          const std::optional<nlohmann::json>& earlier);

} // namespace hr2scim::agent
