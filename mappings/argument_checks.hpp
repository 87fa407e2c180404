#pragma once
// The shape of each function's arguments, checked when the mapping loads: a literal of the
// wrong kind (`left(title, "two")`) or a key without its value (`switch(t, "none", "Eng")`)
// is an error with its line and column, never a rule that quietly empties an attribute.
// Values from the data are checked when evaluated and reject that one record.

#include "mappings/functions.hpp"
#include "mappings/value.hpp"

#include <optional>
#include <string>

namespace hr2scim::mappings {

// Why this many arguments do not fit the function (beyond its min and max), or nothing.
[[nodiscard]] std::optional<std::string> argument_count_problem(const Function& function,
                                                                size_t count);

// Why `literal`, written as argument `index` (from 0), cannot be used there, or nothing.
[[nodiscard]] std::optional<std::string>
literal_argument_problem(const Function& function, size_t index, const Value& literal);

// A whole number argument, or EvaluationError naming the function and the value.
[[nodiscard]] long whole_number_argument(const char* function, size_t index, const Value& value);

} // namespace hr2scim::mappings
