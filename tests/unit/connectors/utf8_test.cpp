// find_invalid_utf8 reads eight ASCII bytes at a time: it must find what a byte-by-byte reading
// of RFC 3629 finds, at the same place, wherever the bytes fall against the eight.
#include "connectors/utf8.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <random>
#include <string>

namespace hr2scim::connectors {
namespace {

// RFC 3629 §4, one sequence at a time: the first byte where a sequence is not well-formed.
std::optional<size_t> invalid_byte_by_byte(std::string_view text) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    for (size_t at = 0; at < text.size();) {
        const unsigned char lead = byte(at);
        if (lead < 0x80) {
            ++at;
            continue;
        }
        const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
        if (length == 0 || lead > 0xF4 || at + length > text.size()) return at;
        const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
        const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
        if (byte(at + 1) < low || byte(at + 1) > high) return at;
        for (size_t i = 2; i < length; ++i)
            if ((byte(at + i) & 0xC0) != 0x80) return at;
        at += length;
    }
    return std::nullopt;
}

TEST(Utf8, KnownSequencesAnywhereInARunOfAscii) {
    const std::vector<std::pair<std::string, bool>> pieces = {
        {"\xC3\xA9", true},          {"\xE2\x82\xAC", true},      {"\xF0\x9F\x98\x80", true},
        {"\xC0\xAF", false},         {"\xE0\x80\xAF", false},     {"\xED\xA0\x80", false},
        {"\xF4\x90\x80\x80", false}, {"\xF5\x80\x80\x80", false}, {"\x80", false},
        {"\xE2\x82", false},
    };
    for (const auto& [piece, valid] : pieces)
        for (size_t before = 0; before < 20; ++before)
            for (size_t after = 0; after < 10; ++after) {
                const std::string text = std::string(before, 'a') + piece + std::string(after, 'b');
                const auto found = find_invalid_utf8(text);
                EXPECT_EQ(found.has_value(), !valid) << before << " " << after;
                if (!valid) {
                    EXPECT_EQ(found, std::optional<size_t>(before));
                }
                EXPECT_EQ(found, invalid_byte_by_byte(text));
            }
    EXPECT_EQ(find_invalid_utf8("aaaaaaaaaaaaaaa\xE2"), std::optional<size_t>(15))
        << "a sequence cut at the end, after a run read eight at a time";
}

TEST(Utf8, RandomTextIsJudgedAsByteByByte) {
    std::mt19937 random(25);
    std::uniform_int_distribution<int> length(0, 64), kind(0, 9), any(0, 255), ascii(0x20, 0x7E);
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const int size = length(random);
        for (int i = 0; i < size; ++i) {
            const int k = kind(random);
            if (k < 7) {
                text += static_cast<char>(ascii(random));
            } else if (k < 9) {
                text += "\xC3\xA9\xE2\x82\xAC"; // valid
            } else {
                text += static_cast<char>(any(random));
            }
        }
        ASSERT_EQ(find_invalid_utf8(text), invalid_byte_by_byte(text))
            << testing::PrintToString(text);
    }
}

} // namespace
} // namespace hr2scim::connectors
