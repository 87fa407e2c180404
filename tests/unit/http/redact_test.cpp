#include "http/redact.hpp"
#include "http/url.hpp"

#include <gtest/gtest.h>

namespace hr2scim::http {
namespace {

TEST(RedactUrl, RemovesCredentialsAndSecretQueryValues) {
    EXPECT_EQ(redact_url("https://user:pw@hr.example.com/api?page=2"),
              "https://REDACTED@hr.example.com/api?page=2");
    EXPECT_EQ(redact_url("https://hr.example.com/api?access_token=abc&page=2"),
              "https://hr.example.com/api?access_token=REDACTED&page=2");
    EXPECT_EQ(redact_url("https://hr.example.com/api?page=2&client_secret=s#frag"),
              "https://hr.example.com/api?page=2&client_secret=REDACTED#frag");
    EXPECT_EQ(redact_url("http://127.0.0.1:8080/scim/v2/Users"),
              "http://127.0.0.1:8080/scim/v2/Users");
    EXPECT_EQ(redact_url("http://a@b/x@y"), "http://REDACTED@b/x@y")
        << "an @ in the path is not userinfo";
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

namespace hr2scim::http {
namespace {

TEST(SetQueryParameter, AddsOrReplaces) {
    EXPECT_EQ(set_query_parameter("https://h/e", "page", "2"), "https://h/e?page=2");
    EXPECT_EQ(set_query_parameter("https://h/e?page=1&size=50", "page", "2"),
              "https://h/e?size=50&page=2");
    EXPECT_EQ(set_query_parameter("https://h/e?a=b#top", "cursor", "x y"),
              "https://h/e?a=b&cursor=x%20y#top");
    // ADP's $skip goes out as %24skip: the next page replaces it rather than adding a second.
    EXPECT_EQ(set_query_parameter(set_query_parameter("https://h/w?%24top=100", "$skip", "0"),
                                  "$skip", "100"),
              "https://h/w?%24top=100&%24skip=100");
    EXPECT_EQ(set_query_parameter("https://h/w?$skip=0", "$skip", "100"),
              "https://h/w?%24skip=100");
}

TEST(SetQueryParameter, ReplacesANameItEncodesAsWellAsOneWrittenPlain) {
    // ADP's $skip: each page's offset replaces the last, encoded or as the config wrote it.
    const auto first = set_query_parameter("https://h/hr/v2/workers", "$skip", "0");
    EXPECT_EQ(first, "https://h/hr/v2/workers?%24skip=0");
    EXPECT_EQ(set_query_parameter(first, "$skip", "100"), "https://h/hr/v2/workers?%24skip=100");
    EXPECT_EQ(set_query_parameter("https://h/w?$top=5&$skip=0", "$skip", "5"),
              "https://h/w?$top=5&%24skip=5");
}

TEST(ResolveUrl, HandlesAbsoluteRootRelativeAndRelativeLinks) {
    EXPECT_EQ(resolve_url("https://h/api/v1/people?page=1", "https://other/x"), "https://other/x");
    EXPECT_EQ(resolve_url("https://h/api/v1/people?page=1", "/api/v1/people?page=2"),
              "https://h/api/v1/people?page=2");
    EXPECT_EQ(resolve_url("https://h/api/v1/people?page=1", "people?page=2"),
              "https://h/api/v1/people?page=2");
}

TEST(NextLink, FindsRelNextInALinkHeader) {
    EXPECT_EQ(next_link(R"(<https://h/p?page=3>; rel="next", <https://h/p?page=9>; rel="last")"),
              "https://h/p?page=3");
    EXPECT_EQ(next_link(R"(<https://h/p?page=1>; rel="prev", <https://h/p?page=3>; rel=next)"),
              "https://h/p?page=3");
    EXPECT_EQ(next_link(R"(<https://h/p?page=9>; rel="last")"), "");
    EXPECT_EQ(next_link(""), "");
}

TEST(NextLink, AnUnterminatedLinkIsAnErrorNotTheEnd) {
    auto link = next_link(R"(<https://h/p?page=3; rel="next")");
    ASSERT_FALSE(link.has_value());
    EXPECT_FALSE(
        next_link(R"(<https://h/p?page=3; rel="next", </p?page=1>; rel="first")").has_value())
        << "the next entry's `>` does not close it";
    EXPECT_NE(link.error().find("without its `>`"), std::string::npos) << link.error();
}

TEST(OriginOf, NamesSchemeHostAndPort) {
    EXPECT_EQ(origin_of("https://HR.example.com/api?x=1"), "https://hr.example.com:443");
    EXPECT_EQ(origin_of("https://hr.example.com:443/api"), "https://hr.example.com:443");
    EXPECT_EQ(origin_of("http://127.0.0.1:8080/a"), "http://127.0.0.1:8080");
    EXPECT_EQ(origin_of("http://[::1]/a"), "http://[::1]:80");
    EXPECT_EQ(origin_of("http://user:pw@h:81/a"), "http://h:81");
    EXPECT_NE(origin_of("https://hr.example.com/a"), origin_of("https://hr.example.com:8443/a"));
    EXPECT_NE(origin_of("https://hr.example.com/a"), origin_of("http://hr.example.com/a"));
    EXPECT_NE(origin_of("https://hr.example.com/a"),
              origin_of("https://hr.example.com.evil.net/a"));
    EXPECT_EQ(origin_of("/relative"), "");
}

TEST(Base64, EncodesPerRfc4648) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("api-key:x"), "YXBpLWtleTp4");
}

} // namespace
} // namespace hr2scim::http
