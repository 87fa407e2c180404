#pragma once
// Shows a plan the way `terraform plan` does: + create, ~ update, - deactivate, ^ reactivate.

#include "state/plan.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace hr2scim::agent {

// At most `show` operations (and withheld keys) are printed one by one; the counts cover all.
void print_plan(std::ostream& out, const state::Plan& plan, const std::string& target_name,
                size_t show = SIZE_MAX);

// Records whose manager key no record has: their manager link is left as the target holds it.
void print_rejected_links(std::ostream& out, const std::vector<state::RejectedLink>& links,
                          size_t show = SIZE_MAX);

} // namespace hr2scim::agent
