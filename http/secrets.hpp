#pragma once
// Every secret hr2scim holds (tokens, passwords, client secrets, the access tokens it is
// given) is registered here when it is read, in each form it is sent in (raw, and inside
// a Basic header). Text that came from a server passes through redact_secrets() before it
// is printed, logged or stored: servers echo requests, Authorization header included.
// One registry for the process, so that no new code path can forget a secret.

#include <filesystem>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::http {

// Secrets shorter than this are not redacted in text (they would hide ordinary words);
// none of the credentials hr2scim sends is that short in practice.
inline constexpr size_t k_shortest_redacted_secret = 4;

void register_secret(std::string_view secret);
// user:password as sent in an Authorization: Basic header; both parts, and the header value.
void register_basic_credentials(std::string_view user, std::string_view password);

// `text` with every registered secret replaced by REDACTED.
[[nodiscard]] std::string redact_secrets(std::string text);

// A secret read from the first line of a file. The file must be a regular file that only its
// owner can read (as ssh insists for keys); otherwise the error says which chmod fixes it.
// The secret is registered; errors never hold it.
[[nodiscard]] tl::expected<std::string, std::string>
read_secret_file(const std::filesystem::path& path);

// Why a secret cannot be sent in a header (control characters, spaces), or empty.
[[nodiscard]] std::string unusable_in_header(std::string_view value);

} // namespace hr2scim::http
