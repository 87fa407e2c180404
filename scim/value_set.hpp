#pragma once
// Multi-valued complex attributes that are sets of values (RFC 7643 §4.1.2: `entitlements`,
// `roles`): items {"value", "type", "display", "primary"}, several of one type allowed, their
// order meaningless. hr2scim keeps them sorted and compares them without regard to order.

#include <nlohmann/json.hpp>
#include <string_view>

namespace hr2scim::scim {

// entitlements or roles (compared ignoring case).
[[nodiscard]] bool is_value_set(std::string_view attribute);

// Sorts the items by value, then type, then the rest: one order whatever order they came in.
void sort_value_set(nlohmann::json& items);

// The same items, in any order.
[[nodiscard]] bool same_value_set(const nlohmann::json& a, const nlohmann::json& b);

} // namespace hr2scim::scim
