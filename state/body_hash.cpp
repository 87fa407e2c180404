#include "state/body_hash.hpp"

#include <cstdint>
#include <cstdio>
#include <xxhash.h>

namespace hr2scim::state {

std::string fingerprint(std::string_view body_text) {
    return fingerprint_text(fingerprint_value(body_text));
}

std::uint64_t fingerprint_value(std::string_view body_text) {
    return XXH3_64bits(body_text.data(), body_text.size());
}

std::string fingerprint_text(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

std::uint64_t fingerprint_from_text(std::string_view text) {
    std::uint64_t value = 0;
    if (text.size() != 16) return 0;
    for (char c : text) {
        int digit = 0;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else
            return 0;
        value = value << 4U | static_cast<std::uint64_t>(digit);
    }
    return value;
}

std::string digest(const nlohmann::json& value) {
    return text_digest(value.dump());
}

std::string text_digest(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return fingerprint_text(hash);
}

} // namespace hr2scim::state
