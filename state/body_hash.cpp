#include "state/body_hash.hpp"

#include <cstdint>
#include <cstdio>
#include <xxhash.h>

namespace hr2scim::state {
namespace {

std::string hex(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

} // namespace

std::string fingerprint(std::string_view body_text) {
    return hex(XXH3_64bits(body_text.data(), body_text.size()));
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
    return hex(hash);
}

} // namespace hr2scim::state
