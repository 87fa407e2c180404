#pragma once
// Which User attributes a mapping may set (RFC 7643 §4.1 and §4.3), and their types. Custom
// extension schemas (any other urn:...) take any attribute, as text.

#include "scim/attribute_path.hpp"

#include <string>
#include <tl/expected.hpp>

namespace hr2scim::mappings {

// manager_key: the source key of the person's manager, resolved to their SCIM id when planning.
// value_list: entitlements, roles: each value of a list becomes an item {"value": ...}.
enum class ValueType { string, boolean, manager_key, value_list };

// The type of a mappable attribute, or why the path cannot be mapped.
[[nodiscard]] tl::expected<ValueType, std::string> check_target(const scim::AttributePath& path);

} // namespace hr2scim::mappings
