#pragma once
// The date functions of mapping expressions: format_datetime, date_add, date_diff, now, today.
// now and today read the run's clock (one instant for the whole run, set with --as-of in
// tests and rehearsals); the evaluator passes it as their first argument.

#include "mappings/functions.hpp"

#include <span>

namespace hr2scim::mappings {

[[nodiscard]] std::span<const Function> date_functions();

} // namespace hr2scim::mappings
