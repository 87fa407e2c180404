#include "state/body_hash.hpp"

#include <cstdint>
#include <cstdio>

namespace hr2scim::state {

std::string body_hash(const nlohmann::json& body) {
    return text_hash(body.dump());
}

std::string text_hash(std::string_view body_text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : body_text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

} // namespace hr2scim::state
