#pragma once
// `validate`: everything that can be checked before any write.

#include "agent/exit_codes.hpp"
#include "agent/prepare.hpp"

#include <ostream>

namespace hr2scim::agent {

// Config, mapping (loaded by prepare), the target's secret and files (the target is not
// contacted), the state (read, never created), the sources (read: this reaches LDAP and HR
// APIs) with their completeness guards.
[[nodiscard]] ExitCode validate(const Prepared& prepared, const RunOptions& options,
                                std::ostream& out);

} // namespace hr2scim::agent
