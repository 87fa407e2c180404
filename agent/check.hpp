#pragma once
// `hr2scim check`: contacts the target and reads the sources, writing nothing, so that a wrong
// token or URL shows today and not on the day a leaver must be deactivated (validate never
// contacts the target, and a run with nothing to send does not either).

#include "agent/exit_codes.hpp"
#include "agent/prepare.hpp"

#include <ostream>

namespace hr2scim::agent {

// The credentials (and, for OAuth2, the token endpoint and the token's lifetime), discovery,
// a read of one user with the token, the mapped attributes against the target's /Schemas, and
// one read of each source. Each problem is one line naming the setting and the fix (or, as_json,
// one document listing every check); exit 1 on any, 0 otherwise.
[[nodiscard]] ExitCode check(const Prepared& prepared, bool as_json, std::ostream& out);

} // namespace hr2scim::agent
