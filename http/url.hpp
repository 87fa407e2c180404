#pragma once

#include <string>
#include <string_view>

namespace hr2scim::http {

// Percent-encodes everything but RFC 3986 unreserved characters.
[[nodiscard]] std::string url_encode(std::string_view text);

} // namespace hr2scim::http
