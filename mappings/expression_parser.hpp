#pragma once
// Parses mapping expressions. A template is text with {expression} placeholders
// ("{{" and "}}" are literal braces); an expression is a source attribute (first_name, or
// [First Name] when the name has spaces), a "string", or a function call: lower(email).

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "mappings/expression.hpp"

namespace hr2scim::mappings {

struct ParseError {
    Position position;
    std::string message;
};

// `start` is where the text begins in the mapping file, so errors point into the file.
[[nodiscard]] tl::expected<ExpressionPtr, ParseError> parse_template(std::string_view text,
                                                                     Position start);

} // namespace hr2scim::mappings
