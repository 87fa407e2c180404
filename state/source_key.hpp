#pragma once
// How source keys compare: after trimming surrounding spaces and, unless the source says its
// keys are case-sensitive, ignoring case. A re-export with `e0000005` or `"E0000005 "` is
// the same person as `E0000005`.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace hr2scim::state {

// The key without the spaces around it.
[[nodiscard]] inline std::string_view trimmed_key(std::string_view key) {
    constexpr std::string_view k_spaces = " \t\r\n\v\f";
    const auto first = key.find_first_not_of(k_spaces);
    if (first == std::string_view::npos) return {};
    return key.substr(first, key.find_last_not_of(k_spaces) - first + 1);
}

// A key's character as identities compare it: ASCII folded as std::tolower in the C locale
// would, without its cost per call.
[[nodiscard]] inline char identity_char(char c, bool case_sensitive) {
    return !case_sensitive && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] inline std::string identity_key(std::string_view key, bool case_sensitive) {
    std::string out(trimmed_key(key));
    if (!case_sensitive)
        for (char& c : out)
            c = identity_char(c, case_sensitive);
    return out;
}

[[nodiscard]] inline bool same_key(std::string_view a, std::string_view b, bool case_sensitive) {
    return identity_key(a, case_sensitive) == identity_key(b, case_sensitive);
}

} // namespace hr2scim::state
