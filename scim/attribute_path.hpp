#pragma once
// SCIM attribute paths as mappings and PATCH use them (RFC 7644 §3.5.2, "attrPath" with an
// optional value filter): name.givenName, emails[type eq "work"].value, <URN>:department.

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::scim {

struct ValueFilter {
    std::string attribute; // e.g. "type"
    std::string value;     // e.g. "work"
    bool operator==(const ValueFilter&) const = default;
};

struct AttributePath {
    std::string schema;    // empty for the core User schema
    std::string attribute; // e.g. "emails"
    std::optional<ValueFilter> filter;
    std::string sub_attribute; // e.g. "value"; empty when the path names the attribute itself

    [[nodiscard]] std::string to_string() const;
    bool operator==(const AttributePath&) const = default;
};

// Parses a path; the error says what is wrong and at which character.
[[nodiscard]] tl::expected<AttributePath, std::string> parse_attribute_path(std::string_view text);

} // namespace hr2scim::scim
