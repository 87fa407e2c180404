// An answer that is not JSON is shown, briefly and safely: its first 200 characters on one
// line, secrets redacted, bytes that are not UTF-8 replaced.

#include "http/json_body.hpp"
#include "http/secrets.hpp"

#include <gtest/gtest.h>

namespace hr2scim::http {
namespace {

TEST(JsonBody, AnAnswerThatIsNotJsonShowsItsFirst200Characters) {
    auto parsed = parse_json_body("<html>\r\n<body>Sign in to the corporate proxy</body>");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error(), "the answer is not valid JSON: <html> <body>Sign in to the "
                              "corporate proxy</body>");
    EXPECT_EQ(parse_json_body("").error(), "the answer is not valid JSON: it is empty");
    const std::string long_text = "x" + std::string(500, 'y');
    EXPECT_EQ(parse_json_body(long_text).error(),
              "the answer is not valid JSON: " + long_text.substr(0, 200) + "...");
}

TEST(JsonBody, TheExcerptIsRedactedOneLineAndUtf8) {
    register_secret("tok-8f1e2d3c");
    EXPECT_EQ(answer_excerpt("Authorization: Bearer tok-8f1e2d3c\n\n\tdenied"),
              "Authorization: Bearer REDACTED denied");
    EXPECT_EQ(answer_excerpt("caf\xc3\xa9 \xff\xfe ok\xed\xa0\x80"), "caf\xc3\xa9 ?? ok???");
    // 200 characters, not bytes: a two-byte letter is one.
    const std::string letters = std::string(150, 'a') + [] {
        std::string e;
        for (int i = 0; i < 100; ++i)
            e += "\xc3\xa9";
        return e;
    }();
    EXPECT_EQ(answer_excerpt(letters), letters.substr(0, 150 + 2 * 50) + "...");
    // A secret that straddles the 200th character is redacted before the cut.
    EXPECT_EQ(answer_excerpt(std::string(195, 'b') + "tok-8f1e2d3c"),
              std::string(195, 'b') + "REDAC...");
}

} // namespace
} // namespace hr2scim::http
