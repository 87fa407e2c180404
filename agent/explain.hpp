#pragma once
// `explain KEY`: one person, end to end, without writing anything.

#include "agent/exit_codes.hpp"
#include "agent/prepare.hpp"

#include <ostream>

namespace hr2scim::agent {

// What the source has, what each rule makes of it, the SCIM body, and what the planner would
// send.
[[nodiscard]] ExitCode explain(const Prepared& prepared, const RunOptions& options,
                               std::ostream& out);

} // namespace hr2scim::agent
