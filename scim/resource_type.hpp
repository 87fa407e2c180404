#pragma once
// The kinds of resource hr2scim writes, and where each lives on a target: one table, so that
// "/Users" and "/Groups" are spelled once.

#include <array>
#include <string_view>

namespace hr2scim::scim {

enum class ResourceType { user, group };

struct ResourceTypeInfo {
    ResourceType type;
    std::string_view endpoint; // the collection under the base URL (RFC 7644 §3.2)
    std::string_view name;     // for messages: "user 42 no longer exists"
};

inline constexpr std::array k_resource_types = {
    ResourceTypeInfo{ResourceType::user, "/Users", "user"},
    ResourceTypeInfo{ResourceType::group, "/Groups", "group"},
};

[[nodiscard]] constexpr const ResourceTypeInfo& resource_info(ResourceType type) {
    for (const auto& entry : k_resource_types)
        if (entry.type == type) return entry;
    return k_resource_types.front(); // unreachable: every enumerator is in the table
}

// "/Users" or "/Groups".
[[nodiscard]] constexpr std::string_view endpoint(ResourceType type) {
    return resource_info(type).endpoint;
}
// "user" or "group".
[[nodiscard]] constexpr std::string_view type_name(ResourceType type) {
    return resource_info(type).name;
}

} // namespace hr2scim::scim
