#pragma once
// Which User attributes a mapping may set (RFC 7643 §4.1 and §4.3), and their types.

#include <string>

#include <tl/expected.hpp>

#include "scim/attribute_path.hpp"

namespace hr2scim::mappings {

enum class ValueType { string, boolean };

// The type of a mappable attribute, or why the path cannot be mapped.
[[nodiscard]] tl::expected<ValueType, std::string> check_target(const scim::AttributePath& path);

} // namespace hr2scim::mappings
