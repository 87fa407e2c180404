#pragma once
// `hr2scim history KEY`: what hr2scim did about one person, from the audit trail, oldest
// first: when, in which run, on which target, the operation and its outcome, what changed,
// and why.

#include "state/audit.hpp"

#include <ostream>
#include <vector>

namespace hr2scim::agent {

void print_history(std::ostream& out, const std::string& key,
                   const std::vector<state::AuditRecord>& records);

} // namespace hr2scim::agent
