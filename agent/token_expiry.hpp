#pragma once
// A target's bearer token that is a JWT (RFC 7519) says in its `exp` claim when the target will
// start refusing it. The day a leaver must be deactivated is a bad day to find out: check, sync
// and the service loop say so ahead (target.token_expiry_warning_days). The token is read, never
// verified (the target does that) and never shown.

#include "agent/config.hpp"
#include "http/auth.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::agent {

// The `exp` claim of a JWT; nothing for a token that is not one, or has no usable `exp`.
[[nodiscard]] std::optional<std::chrono::sys_seconds> jwt_expiry(std::string_view token);

// Where the target's token comes from, as the config names it ("target.token_env
// (HR2SCIM_TOKEN)").
[[nodiscard]] std::string token_setting(const TargetConfig& target);

// "target.token_env (X): the token expires on 2026-12-20 (in 13 days); renew it before then",
// or that it expired; nothing when it expires later than the warning window, never, or cannot
// be told.
[[nodiscard]] std::optional<std::string> token_expiry_warning(const TargetConfig& target,
                                                              const http::Credentials& credentials,
                                                              std::chrono::sys_seconds now);

} // namespace hr2scim::agent
