#include "http/json_body.hpp"

namespace hr2scim::http {

size_t json_nesting_depth(std::string_view text, size_t limit) {
    size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

tl::expected<nlohmann::json, std::string> parse_json_body(std::string_view text) {
    if (json_nesting_depth(text, k_max_json_depth) > k_max_json_depth)
        return tl::unexpected("the answer nests JSON more than " +
                              std::to_string(k_max_json_depth) + " levels deep; refused");
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded()) return tl::unexpected(std::string("the answer is not valid JSON"));
    return parsed;
}

} // namespace hr2scim::http
