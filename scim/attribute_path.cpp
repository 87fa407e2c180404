#include "scim/attribute_path.hpp"

#include "scim/filter.hpp"

#include <cctype>

namespace hr2scim::scim {
namespace {

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$';
}

// ATTRNAME = ALPHA *(nameChar), RFC 7643 §2.1.
size_t scan_name(std::string_view text, size_t at) {
    size_t end = at;
    while (end < text.size() && is_name_char(text[end]))
        ++end;
    return end;
}

tl::unexpected<std::string> error_at(size_t at, std::string_view what) {
    return tl::unexpected("at character " + std::to_string(at + 1) + ": " + std::string(what));
}

// Parses `attr eq "value"` up to the closing bracket.
tl::expected<ValueFilter, std::string> parse_filter(std::string_view text, size_t& at) {
    ValueFilter filter;
    size_t end = scan_name(text, at);
    if (end == at) return error_at(at, "expected an attribute name in the filter");
    filter.attribute = std::string(text.substr(at, end - at));
    at = end;
    if (text.substr(at, 4) != " eq ") return error_at(at, "only `eq` filters are supported here");
    at += 4;
    if (at >= text.size() || text[at] != '"') return error_at(at, "expected a quoted value");
    auto value = unquote_filter_value(text.substr(at));
    if (!value) return error_at(at, value.error());
    filter.value = value->first;
    at += value->second;
    if (at >= text.size() || text[at] != ']') return error_at(at, "expected `]`");
    ++at;
    return filter;
}

} // namespace

std::string AttributePath::to_string() const {
    std::string out = schema.empty() ? "" : schema + ":";
    out += attribute;
    if (filter) out += "[" + filter->attribute + " eq " + quote_filter_value(filter->value) + "]";
    if (!sub_attribute.empty()) out += "." + sub_attribute;
    return out;
}

tl::expected<AttributePath, std::string> parse_attribute_path(std::string_view text) {
    AttributePath path;
    size_t at = 0;
    if (text.starts_with("urn:")) {
        // The URN ends at the last ':' before any filter; attribute names never hold ':'.
        size_t colon = text.substr(0, text.find('[')).rfind(':');
        path.schema = std::string(text.substr(0, colon));
        at = colon + 1;
    }
    size_t end = scan_name(text, at);
    if (end == at || !std::isalpha(static_cast<unsigned char>(text[at])))
        return error_at(at, "expected an attribute name");
    path.attribute = std::string(text.substr(at, end - at));
    at = end;
    if (at < text.size() && text[at] == '[') {
        ++at;
        auto filter = parse_filter(text, at);
        if (!filter) return tl::unexpected(filter.error());
        path.filter = std::move(*filter);
    }
    if (at < text.size() && text[at] == '.') {
        ++at;
        end = scan_name(text, at);
        if (end == at) return error_at(at, "expected a sub-attribute name after `.`");
        path.sub_attribute = std::string(text.substr(at, end - at));
        at = end;
    }
    if (at != text.size()) return error_at(at, "unexpected text");
    return path;
}

} // namespace hr2scim::scim
