#include "http/redact.hpp"

#include <gtest/gtest.h>

#include "http/url.hpp"

namespace hr2scim::http {
namespace {

TEST(RedactUrl, RemovesCredentialsAndSecretQueryValues) {
    EXPECT_EQ(redact_url("https://user:pw@hr.example.com/api?page=2"), "https://REDACTED@hr.example.com/api?page=2");
    EXPECT_EQ(redact_url("https://hr.example.com/api?access_token=abc&page=2"),
              "https://hr.example.com/api?access_token=REDACTED&page=2");
    EXPECT_EQ(redact_url("https://hr.example.com/api?page=2&client_secret=s#frag"),
              "https://hr.example.com/api?page=2&client_secret=REDACTED#frag");
    EXPECT_EQ(redact_url("http://127.0.0.1:8080/scim/v2/Users"), "http://127.0.0.1:8080/scim/v2/Users");
    EXPECT_EQ(redact_url("http://a@b/x@y"), "http://REDACTED@b/x@y") << "an @ in the path is not userinfo";
}

TEST(RedactSecret, ReplacesEveryOccurrence) {
    EXPECT_EQ(redact_secret("token abc123 and abc123", "abc123"), "token REDACTED and REDACTED");
    EXPECT_EQ(redact_secret("nothing here", ""), "nothing here");
}

TEST(UrlEncode, KeepsUnreservedAndEncodesTheRest) {
    EXPECT_EQ(url_encode("userName eq \"a+b@x.com\""), "userName%20eq%20%22a%2Bb%40x.com%22");
    EXPECT_EQ(url_encode("A-z_0.9~"), "A-z_0.9~");
    EXPECT_EQ(url_encode("ü"), "%C3%BC");
}

} // namespace
} // namespace hr2scim::http
