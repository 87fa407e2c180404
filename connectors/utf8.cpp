#include "connectors/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace hr2scim::connectors {
namespace {

// Length of the sequence starting at text[at], or 0 when it is not well-formed (RFC 3629 §4).
size_t sequence_length(std::string_view text, size_t at) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || at + length > text.size()) return 0;
    unsigned char second = byte(at + 1);
    unsigned char low = 0x80, high = 0xBF;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F; // no surrogates
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
    if (second < low || second > high) return 0;
    for (size_t i = 2; i < length; ++i)
        if ((byte(at + i) & 0xC0) != 0x80) return 0;
    return length;
}

} // namespace

std::optional<size_t> find_invalid_utf8(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        // Eight bytes at a time while none has its high bit set: most text is ASCII, and every
        // field of every record is checked.
        constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
        std::uint64_t word = 0;
        while (at + sizeof word <= text.size() &&
               (std::memcpy(&word, text.data() + at, sizeof word), (word & high_bits) == 0))
            at += sizeof word;
        if (at == text.size()) break;
        size_t length = sequence_length(text, at);
        if (length == 0) return at;
        at += length;
    }
    return std::nullopt;
}

} // namespace hr2scim::connectors
