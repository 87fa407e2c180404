#pragma once
// Shows a plan the way `terraform plan` does: + create, ~ update, - deactivate, ^ reactivate.

#include <ostream>
#include <string>

#include "state/plan.hpp"

namespace hr2scim::agent {

void print_plan(std::ostream& out, const state::Plan& plan, const std::string& target_name);

} // namespace hr2scim::agent
