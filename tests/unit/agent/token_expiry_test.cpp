#include "agent/token_expiry.hpp"
#include "http/url.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hr2scim::agent {
namespace {

using std::chrono::sys_seconds;

// base64url without padding, as JWTs write their parts.
std::string base64url(const std::string& bytes) {
    std::string text = http::base64_encode(bytes);
    while (!text.empty() && text.back() == '=')
        text.pop_back();
    for (auto& c : text)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return text;
}

std::string jwt(const nlohmann::json& claims) {
    return base64url(R"({"alg":"RS256","typ":"JWT"})") + "." + base64url(claims.dump()) +
           ".c2lnbmF0dXJl";
}

constexpr long long k_now = 1796601600; // 2026-12-07T00:00:00Z

TEST(Base64Url, DecodesWhatItsAlphabetWritesWithOrWithoutPadding) {
    for (const std::string bytes : {"", "f", "fo", "foo", "foob", "fooba", "\xff\xfe\xfd?>~"}) {
        EXPECT_EQ(http::base64url_decode(base64url(bytes)), bytes) << bytes;
        EXPECT_EQ(http::base64url_decode(http::base64_encode(bytes).find_first_of("+/") ==
                                                 std::string::npos
                                             ? http::base64_encode(bytes)
                                             : base64url(bytes)),
                  bytes);
    }
    EXPECT_FALSE(http::base64url_decode("a+b/"));  // the other alphabet
    EXPECT_FALSE(http::base64url_decode("abcde")); // no whole byte in the last group
    EXPECT_FALSE(http::base64url_decode("ab.c"));
}

TEST(JwtExpiry, ReadsTheExpClaimOfAJwtAndNothingElse) {
    EXPECT_EQ(jwt_expiry(jwt({{"sub", "hr2scim"}, {"exp", k_now + 60}})),
              sys_seconds(std::chrono::seconds(k_now + 60)));
    EXPECT_FALSE(jwt_expiry(jwt({{"sub", "hr2scim"}})));           // no exp
    EXPECT_FALSE(jwt_expiry(jwt({{"exp", "tomorrow"}})));          // not a NumericDate
    EXPECT_FALSE(jwt_expiry(jwt({{"exp", 1e300}})));               // no date
    EXPECT_FALSE(jwt_expiry("an-opaque-token-from-the-admin-ui")); // not a JWT
    EXPECT_FALSE(jwt_expiry("a.b"));
    EXPECT_FALSE(jwt_expiry("eyJhbGciOiJub25lIn0.!!!.x"));
    EXPECT_FALSE(jwt_expiry(base64url("{}") + "." + base64url("[1,2]") + ".x"));
}

TEST(TokenExpiryWarning, WarnsWithinTheWindowNamingTheSettingAndNeverTheToken) {
    TargetConfig target;
    target.token_env = "SCIM_TOKEN";
    http::Credentials credentials;
    credentials.kind = http::Credentials::Kind::bearer;
    const sys_seconds now{std::chrono::seconds(k_now)};
    credentials.token = jwt({{"exp", k_now + 13 * 86400 + 3600}});
    const auto soon = token_expiry_warning(target, credentials, now);
    ASSERT_TRUE(soon);
    EXPECT_EQ(*soon, "target.token_env (SCIM_TOKEN): the token expires at 2026-12-20T01:00:00Z "
                     "(in 13 days); renew it before then (target.token_expiry_warning_days: 14)");
    EXPECT_EQ(soon->find(credentials.token), std::string::npos);

    credentials.token = jwt({{"exp", k_now + 15 * 86400}});
    EXPECT_FALSE(token_expiry_warning(target, credentials, now)) << "outside the window";
    target.token_expiry_warning_days = 30;
    EXPECT_TRUE(token_expiry_warning(target, credentials, now));
    target.token_expiry_warning_days = 0;
    credentials.token = jwt({{"exp", k_now - 10}});
    EXPECT_FALSE(token_expiry_warning(target, credentials, now)) << "0: never";

    target.token_expiry_warning_days = 14;
    const auto expired = token_expiry_warning(target, credentials, now);
    ASSERT_TRUE(expired);
    EXPECT_EQ(*expired, "target.token_env (SCIM_TOKEN): the token expired at "
                        "2026-12-06T23:59:50Z; the target refuses it: put a new one there");
    credentials.token = jwt({{"exp", k_now + 600}});
    EXPECT_NE(token_expiry_warning(target, credentials, now)->find("(in less than a day)"),
              std::string::npos);
    credentials.kind = http::Credentials::Kind::oauth2; // fetched afresh each run
    EXPECT_FALSE(token_expiry_warning(target, credentials, now));
}

} // namespace
} // namespace hr2scim::agent
