#pragma once
// Shows a plan the way `terraform plan` does: + create, ~ update, - deactivate, ^ reactivate.

#include "state/plan.hpp"

#include <cstdint>
#include <ostream>
#include <string>

namespace hr2scim::agent {

// At most `show` operations (and withheld keys) are printed one by one; the counts cover all.
void print_plan(std::ostream& out, const state::Plan& plan, const std::string& target_name,
                size_t show = SIZE_MAX);

} // namespace hr2scim::agent
