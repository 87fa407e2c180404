#pragma once
// Every URL or header that reaches a log line passes through here first.

#include <string>
#include <string_view>

namespace hr2scim::http {

// Drops user:password@ and the values of query parameters that look like secrets.
[[nodiscard]] std::string redact_url(std::string_view url);

// Replaces `secret` wherever it occurs in `text` (error bodies may echo a token back).
[[nodiscard]] std::string redact_secret(std::string text, std::string_view secret);

} // namespace hr2scim::http
