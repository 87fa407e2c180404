#pragma once
// What a run sent, for a person reading the output: the totals, then failures and adoptions.

#include "apply/executor.hpp"
#include "state/state_store.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace hr2scim::agent {

// Failures one by one (up to `show`), every adoption, and why the target was abandoned.
void print_outcomes(std::ostream& out, const std::vector<apply::Outcome>& outcomes,
                    const apply::Tally& result, size_t show);

void print_summary(std::ostream& out, const std::string& target, const state::RunCounts& counts,
                   const apply::Tally& result, double seconds);

} // namespace hr2scim::agent
