#pragma once
// Building SCIM filters (RFC 7644 §3.4.2.2) from untrusted values.

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace hr2scim::scim {

// "value" as a JSON string: quotes, backslashes and control characters escaped.
[[nodiscard]] std::string quote_filter_value(std::string_view value);

// Reads one quoted value from the start of `text`; returns it and the characters consumed.
[[nodiscard]] tl::expected<std::pair<std::string, size_t>, std::string>
unquote_filter_value(std::string_view text);

// `attribute eq "value"`, safe for any value.
[[nodiscard]] std::string eq_filter(std::string_view attribute, std::string_view value);

} // namespace hr2scim::scim
