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

// The parsed body, or why not ("not valid JSON", "nested more than 64 levels deep").
[[nodiscard]] tl::expected<nlohmann::json, std::string> parse_json_body(std::string_view text);

// How deep arrays and objects nest in `text`, counting only brackets outside strings; stops
// counting once past `limit`.
[[nodiscard]] size_t json_nesting_depth(std::string_view text, size_t limit);

} // namespace hr2scim::http
