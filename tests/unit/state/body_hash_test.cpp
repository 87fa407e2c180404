// The state's fingerprint is XXH3 64; the digests of plan files and approvals stay FNV-1a 64.
#include "state/body_hash.hpp"

#include <cstdint>
#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

// The pseudorandom bytes of xxHash's own sanity check (cli/xsum_sanity_check.c), whose
// published XXH3_64bits values below cover each of its length classes.
std::string sanity_bytes(size_t length) {
    std::uint64_t generator = 2654435761U;
    std::string bytes(length, '\0');
    for (auto& byte : bytes) {
        byte = static_cast<char>(static_cast<unsigned char>(generator >> 56));
        generator *= 11400714785074694797ULL;
    }
    return bytes;
}

TEST(Fingerprint, IsXxh3SixtyFourAsSixteenHexDigits) {
    EXPECT_EQ(fingerprint(""), "2d06800538d394c2");
    const std::pair<size_t, const char*> published[] = {
        {1, "c44bdff4074eecdb"},    {6, "27b56a84cd2d7325"},   {12, "a713daf0dfbb77e7"},
        {24, "a3fe70bf9d3510eb"},   {48, "397da259ecba1f11"},  {80, "bcdefbbb2c47c90a"},
        {195, "cd94217ee362ec3a"},  {403, "cdeb804d65c6dea4"}, {512, "617e49599013cb6b"},
        {2048, "dd59e2c3a5f038e0"},
    };
    for (const auto& [length, expected] : published)
        EXPECT_EQ(fingerprint(sanity_bytes(length)), expected) << length << " bytes";
}

// Planning holds the fingerprint as a number; the state keeps its hex digits. Anything else in
// the column is "not known" (0), which plans the person by a diff rather than trusting it.
TEST(Fingerprint, ItsNumberAndItsDigitsAreTheSameFingerprint) {
    for (const auto* text : {"", "{\"userName\":\"a\"}", "\xc3\xa9t\xc3\xa9"}) {
        EXPECT_EQ(fingerprint_text(fingerprint_value(text)), fingerprint(text)) << text;
        EXPECT_EQ(fingerprint_from_text(fingerprint(text)), fingerprint_value(text)) << text;
    }
    EXPECT_EQ(fingerprint_from_text("00000000000000ff"), 255U);
    EXPECT_EQ(fingerprint_from_text("ffffffffffffffff"), UINT64_MAX);
    for (const auto* not_one : {"", "2d06800538d394c", "2d06800538d394c2a", "2D06800538D394C2",
                                "2d06800538d394g2", " d06800538d394c2"})
        EXPECT_EQ(fingerprint_from_text(not_one), 0U) << '"' << not_one << '"';
}

// Plan files and approvals made before the state's fingerprint changed must still verify.
TEST(Digest, StaysFnv1aSixtyFour) {
    EXPECT_EQ(text_digest(""), "cbf29ce484222325");
    EXPECT_EQ(text_digest("a"), "af63dc4c8601ec8c");
    EXPECT_EQ(text_digest("foobar"), "85944171f73967e8");
    EXPECT_EQ(digest(json("a")), text_digest("\"a\""));
    EXPECT_EQ(digest(json{{"b", 1}, {"a", 2}}), text_digest(R"({"a":2,"b":1})"));
    EXPECT_NE(digest(json("a")), fingerprint("\"a\""));
}

} // namespace
} // namespace hr2scim::state
