#include "mappings/functions.hpp"

#include <array>

#include <utf8proc.h>

namespace hr2scim::mappings {
namespace {

// Maps each code point; invalid UTF-8 is passed through unchanged byte by byte.
template <class Map> std::string map_code_points(const std::string& text, Map map) {
    std::string out;
    out.reserve(text.size());
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    auto length = static_cast<utf8proc_ssize_t>(text.size());
    for (utf8proc_ssize_t at = 0; at < length;) {
        utf8proc_int32_t code_point = 0;
        utf8proc_ssize_t used = utf8proc_iterate(bytes + at, length - at, &code_point);
        if (used <= 0) {
            out += text[static_cast<size_t>(at++)];
            continue;
        }
        utf8proc_uint8_t encoded[4];
        utf8proc_ssize_t written = utf8proc_encode_char(map(code_point), encoded);
        out.append(reinterpret_cast<const char*>(encoded), static_cast<size_t>(written));
        at += used;
    }
    return out;
}

std::string lower(const std::vector<std::string>& arguments) {
    return map_code_points(arguments[0], utf8proc_tolower);
}

std::string upper(const std::vector<std::string>& arguments) {
    return map_code_points(arguments[0], utf8proc_toupper);
}

std::string trim(const std::vector<std::string>& arguments) {
    constexpr std::string_view k_spaces = " \t\r\n\v\f";
    const auto& text = arguments[0];
    auto first = text.find_first_not_of(k_spaces);
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(k_spaces) - first + 1);
}

constexpr std::array k_functions = {
    Function{"lower", 1, 1, "lower(\"Ada LÖVE\") is \"ada löve\" (Unicode case mapping)", lower},
    Function{"upper", 1, 1, "upper(\"Ada Löve\") is \"ADA LÖVE\" (per code point; ß becomes ẞ)", upper},
    Function{"trim", 1, 1, "trim(\"  Ada \") is \"Ada\" (spaces, tabs, line ends)", trim},
};

} // namespace

std::span<const Function> functions() { return k_functions; }

const Function* find_function(std::string_view name) {
    for (const auto& function : k_functions)
        if (function.name == name) return &function;
    return nullptr;
}

} // namespace hr2scim::mappings
