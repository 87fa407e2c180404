#pragma once
// Shows a plan the way `terraform plan` does: + create, ~ update, - deactivate, ^ reactivate.

#include <cstdint>
#include <ostream>
#include <string>

#include "state/plan.hpp"

namespace hr2scim::agent {

// At most `show` operations (and withheld keys) are printed one by one; the counts cover all.
void print_plan(std::ostream& out, const state::Plan& plan, const std::string& target_name, size_t show = SIZE_MAX);

} // namespace hr2scim::agent
