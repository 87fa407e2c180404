#pragma once
// `plan` and `sync` of one target: read and map the sources, ask the target what it is when
// there is something to send, plan users and groups, then print the plan (plan) or send it in
// a run of its own (sync).

#include "agent/exit_codes.hpp"
#include "agent/prepare.hpp"

#include <ostream>

namespace hr2scim::agent {

[[nodiscard]] ExitCode plan_or_sync(const Prepared& prepared, const RunOptions& options,
                                    std::ostream& out);

} // namespace hr2scim::agent
