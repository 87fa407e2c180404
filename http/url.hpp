#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::http {

// Percent-encodes everything but RFC 3986 unreserved characters.
[[nodiscard]] std::string url_encode(std::string_view text);
// %XX sequences decoded; a malformed one is kept as it is.
[[nodiscard]] std::string url_decode(std::string_view text);

} // namespace hr2scim::http

namespace hr2scim::http {

// `url` with the query parameter `name` set to `value` (replaced when present).
[[nodiscard]] std::string set_query_parameter(std::string_view url, std::string_view name,
                                              std::string_view value);

// A link from a response (absolute, root-relative or relative) made absolute against `base`.
[[nodiscard]] std::string resolve_url(std::string_view base, std::string_view link);

// The target of rel="next" in an RFC 8288 Link header, empty when there is none, or an
// error when the header cannot be read (an unterminated <...>): a read must not end on it.
[[nodiscard]] tl::expected<std::string, std::string> next_link(std::string_view link_header);

// scheme://host:port, lower-cased, with the scheme's default port made explicit; empty when
// `url` has no scheme. Credentials go only to the origin they were configured for.
[[nodiscard]] std::string origin_of(std::string_view url);

[[nodiscard]] std::string base64_encode(std::string_view bytes);
// RFC 4648 §5 (the URL-safe alphabet, padding optional), as JWTs use it; nothing when `text`
// is not base64url.
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

} // namespace hr2scim::http
