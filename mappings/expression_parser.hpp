#pragma once
// Parses mapping expressions, once per run, with errors that point into the mapping file.
//
// A template is text with {expression} placeholders ("{{" and "}}" are literal braces).
// An expression is a source attribute (first_name, or [First Name] when the name has
// spaces), a "string", a number, true, false, null, a function call (lower(email)), a
// comparison (a == b, !=, <, <=, >, >=, and =~ for a regular expression), and/or/not,
// and parentheses.

#include "mappings/expression.hpp"

#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::mappings {

struct ParseError {
    Position position;
    std::string message;
};

// `start` is where the text begins in the mapping file, so errors point into the file.
[[nodiscard]] tl::expected<ExpressionPtr, ParseError> parse_template(std::string_view text,
                                                                     Position start);
[[nodiscard]] tl::expected<ExpressionPtr, ParseError> parse_expression(std::string_view text,
                                                                       Position start);

} // namespace hr2scim::mappings
