#include "scim/filter.hpp"

#include <nlohmann/json.hpp>

namespace hr2scim::scim {

std::string quote_filter_value(std::string_view value) {
    // SCIM filter strings are JSON strings (RFC 7644 §3.4.2.2), so JSON's escaping is exact.
    return nlohmann::json(std::string(value))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

tl::expected<std::pair<std::string, size_t>, std::string>
unquote_filter_value(std::string_view text) {
    if (text.empty() || text[0] != '"') return tl::unexpected(std::string("expected `\"`"));
    size_t at = 1;
    while (at < text.size() && text[at] != '"')
        at += text[at] == '\\' ? 2 : 1;
    if (at >= text.size()) return tl::unexpected(std::string("unterminated quoted value"));
    auto parsed = nlohmann::json::parse(text.substr(0, at + 1), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_string())
        return tl::unexpected(std::string("invalid escape in quoted value"));
    return std::pair{parsed.get<std::string>(), at + 1};
}

std::string eq_filter(std::string_view attribute, std::string_view value) {
    return std::string(attribute) + " eq " + quote_filter_value(value);
}

} // namespace hr2scim::scim
