#pragma once
// `plan` and `sync` of one target: read and map the sources, ask the target what it is when
// there is something to send, plan users and groups, then print the plan (plan) or send it in
// a run of its own (sync).

#include "agent/exit_codes.hpp"
#include "agent/prepare.hpp"

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace hr2scim::agent {

[[nodiscard]] ExitCode plan_or_sync(const Prepared& prepared, const RunOptions& options,
                                    std::ostream& out);

// What sync would stop at, found by planning as `plan` does (nothing sent, nothing written):
// validate's verdict on the safety gates, so that validate, plan and sync agree.
struct PlanVerdict {
    bool gate_stopped = false;         // users' deactivations and deletions withheld by a gate
    size_t withheld = 0;               // how many
    std::optional<std::string> reason; // why
    size_t groups_withheld = 0;        // group member removals and deletions withheld
    std::vector<std::string> group_reasons;
    size_t rejected_links = 0; // managers nobody knows
};
[[nodiscard]] PlanVerdict plan_verdict(const Prepared& prepared, const RunOptions& options);

} // namespace hr2scim::agent
