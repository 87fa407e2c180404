#pragma once
// `apply FILE`: a reviewed plan file applied exactly.

#include "agent/exit_codes.hpp"
#include "agent/prepare.hpp"

#include <ostream>

namespace hr2scim::agent {

// Its operations and what it withheld; nothing if the config, the mapping or the state changed
// since it was made.
[[nodiscard]] ExitCode apply_plan_file(const Prepared& prepared, const RunOptions& options,
                                       std::ostream& out);

} // namespace hr2scim::agent
