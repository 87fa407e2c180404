#pragma once
// Every JSON body that comes from a server (a SCIM target, an HR API, a token endpoint) is
// parsed here: nesting deeper than any real answer needs is refused before the parser sees
// it, because nlohmann's parser and destructor recurse and 100,000 levels overflow the stack.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::http {

inline constexpr size_t k_max_json_depth = 64;

// The parsed body, or why not ("not valid JSON: <its first 200 characters>", "nested more
// than 64 levels deep").
[[nodiscard]] tl::expected<nlohmann::json, std::string> parse_json_body(std::string_view text);

// How much of an unreadable answer an error shows.
inline constexpr size_t k_answer_excerpt_characters = 200;

// The first 200 characters of an answer, on one line (control characters as spaces, runs of
// space as one), every registered secret redacted, bytes that are not UTF-8 as '?': enough to
// tell a proxy's login page from a stack trace, safe to log and to write into JSON reports.
[[nodiscard]] std::string answer_excerpt(std::string_view body);

// How deep arrays and objects nest in `text`, counting only brackets outside strings; stops
// counting once past `limit`.
[[nodiscard]] size_t json_nesting_depth(std::string_view text, size_t limit);

} // namespace hr2scim::http
