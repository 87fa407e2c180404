#include "http/json_body.hpp"

#include "http/secrets.hpp"

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

namespace {

// Length of the UTF-8 sequence at text[at], or 0 when it is not one (RFC 3629).
size_t utf8_length(std::string_view text, size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) return 1;
    const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || at + length > text.size()) return 0;
    const auto second = static_cast<unsigned char>(text[at + 1]);
    const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    if (second < low || second > high) return 0;
    for (size_t i = 2; i < length; ++i)
        if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return 0;
    return length;
}

} // namespace

std::string answer_excerpt(std::string_view body) {
    // Redacted before it is cut, so that no half of a secret is left; a window past the
    // excerpt's end holds any secret that starts within it.
    constexpr size_t k_window = (size_t{64} << 10) + 4 * k_answer_excerpt_characters;
    const std::string redacted = redact_secrets(std::string(body.substr(0, k_window)));
    std::string excerpt;
    size_t at = 0;
    for (size_t characters = 0; at < redacted.size() && characters < k_answer_excerpt_characters;
         ++characters) {
        const size_t length = utf8_length(redacted, at);
        const auto c = static_cast<unsigned char>(redacted[at]);
        if (length == 0) {
            excerpt += '?';
            ++at;
        } else if (c < 0x20 || c == 0x7f || c == ' ') {
            if (!excerpt.empty() && excerpt.back() != ' ') excerpt += ' ';
            ++at;
        } else {
            excerpt.append(redacted, at, length);
            at += length;
        }
    }
    while (!excerpt.empty() && excerpt.back() == ' ')
        excerpt.pop_back();
    if (at < redacted.size()) excerpt += "...";
    return excerpt;
}

tl::expected<nlohmann::json, std::string> parse_json_body(std::string_view text) {
    if (json_nesting_depth(text, k_max_json_depth) > k_max_json_depth)
        return tl::unexpected("the answer nests JSON more than " +
                              std::to_string(k_max_json_depth) + " levels deep; refused");
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded()) {
        const std::string excerpt = answer_excerpt(text);
        return tl::unexpected("the answer is not valid JSON: " +
                              (excerpt.empty() ? std::string("it is empty") : excerpt));
    }
    return parsed;
}

} // namespace hr2scim::http
