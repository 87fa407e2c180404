#pragma once
// JSON text written directly, byte for byte as nlohmann::json's dump() writes it (compact,
// UTF-8 kept as is): strings escaped the same way, so a body written here and the same body
// built as a tree and dumped have one fingerprint.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace hr2scim::scim {

// `text` as a JSON string, quotes included; `text` must be valid UTF-8.
inline void append_json_string(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    out += '"';
    size_t plain = 0; // the start of the run of bytes copied as they are
    size_t i = 0;
    // Eight bytes at a time while none is a control character, a quote or a backslash.
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + i, 8);
        const auto zero_byte = [&](std::uint64_t x) { return (x - ones) & ~x & highs; };
        const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
        if (below_space | zero_byte(word ^ (ones * '"')) | zero_byte(word ^ (ones * '\\'))) break;
    }
    for (; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.data() + plain, i - plain);
        plain = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += k_hex[c >> 4];
            out += k_hex[c & 0xF];
        }
    }
    out.append(text.data() + plain, text.size() - plain);
    out += '"';
}

} // namespace hr2scim::scim
