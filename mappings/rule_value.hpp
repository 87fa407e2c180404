#pragma once
// A rule's value as its attribute takes it (text or a boolean), or why it cannot be. One
// function for the tree the mapper builds and the text the compiled mapping writes.

#include "mappings/mapping.hpp"
#include "mappings/value.hpp"

#include <string>
#include <tl/expected.hpp>
#include <variant>
#include <vector>

namespace hr2scim::mappings {

using Scalar = std::variant<std::string, bool>;

// The reason names the rule's path ("active: 'maybe' is not true or false").
[[nodiscard]] tl::expected<Scalar, std::string> scalar_of(const AttributeRule& rule,
                                                          const Value& value);

// unique(a, b, ...): each candidate with a value, in order, without repeats.
[[nodiscard]] std::vector<std::string>
unique_candidates(const AttributeRule& rule, const connectors::Record& record, Instant now);

} // namespace hr2scim::mappings
