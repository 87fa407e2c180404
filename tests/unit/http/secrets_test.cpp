#include "http/http_client.hpp"
#include "http/json_body.hpp"
#include "http/secrets.hpp"
#include "http/url.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace hr2scim::http {
namespace {

TEST(RedactSecrets, HidesEveryRegisteredSecretInEveryFormItIsSent) {
    register_secret("tok-1f2e3d4c");
    register_basic_credentials("hr-user-77", "pa55-word-77");
    const std::string echoed = "401: got 'Authorization: Bearer tok-1f2e3d4c' and 'Basic " +
                               base64_encode("hr-user-77:pa55-word-77") +
                               "', password pa55-word-77";
    const std::string redacted = redact_secrets(echoed);
    EXPECT_EQ(redacted.find("tok-1f2e3d4c"), std::string::npos) << redacted;
    EXPECT_EQ(redacted.find("pa55-word-77"), std::string::npos) << redacted;
    EXPECT_EQ(redacted.find(base64_encode("hr-user-77:pa55-word-77")), std::string::npos)
        << redacted;
    EXPECT_NE(redacted.find("Bearer REDACTED"), std::string::npos) << redacted;
}

TEST(RedactSecrets, LeavesOrdinaryTextAlone) {
    register_secret("ab"); // too short to find without hiding ordinary words
    EXPECT_EQ(redact_secrets("about a tab"), "about a tab");
}

TEST(ReadSecretFile, RefusesAFileOthersCanRead) {
    testing::TempDir dir;
    auto file = dir.write("token", "s3cret-token-value\n");
    ::chmod(file.c_str(), 0644);
    auto refused = read_secret_file(file);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().find("chmod 600 " + file.string()), std::string::npos)
        << refused.error();
    EXPECT_NE(refused.error().find("0644"), std::string::npos) << refused.error();
    EXPECT_EQ(refused.error().find("s3cret-token-value"), std::string::npos);
    ::chmod(file.c_str(), 0640);
    EXPECT_FALSE(read_secret_file(file).has_value()) << "group-readable is refused too";
    ::chmod(file.c_str(), 0600);
    EXPECT_EQ(read_secret_file(file).value_or(""), "s3cret-token-value");
    ::chmod(file.c_str(), 0400);
    EXPECT_EQ(read_secret_file(file).value_or(""), "s3cret-token-value");
}

TEST(ReadSecretFile, RefusesWhatIsNotARegularFile) {
    EXPECT_FALSE(read_secret_file("/dev/zero").has_value());
    testing::TempDir dir;
    EXPECT_FALSE(read_secret_file(dir.path()).has_value());
    EXPECT_FALSE(read_secret_file(dir.path() / "missing").has_value());
}

TEST(HttpClient, RefusesToSendAHeaderOrUrlWithControlCharacters) {
    HttpClient client({});
    auto injected = client.send(
        {"GET", "http://127.0.0.1:9/x", {{"Authorization", "Bearer a\r\nX-Evil: 1"}}, {}});
    ASSERT_FALSE(injected.has_value());
    EXPECT_NE(injected.error().message.find("Authorization header"), std::string::npos)
        << injected.error().message;
    EXPECT_EQ(injected.error().message.find("X-Evil"), std::string::npos)
        << "the value is not shown";
    auto bad_url = client.send({"GET", "http://127.0.0.1:9/x\r\nHost: evil", {}, {}});
    ASSERT_FALSE(bad_url.has_value());
    EXPECT_NE(bad_url.error().message.find("URL"), std::string::npos);
}

TEST(ParseJsonBody, RefusesDeepNestingBeforeParsing) {
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    auto refused = parse_json_body(deep);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().find("more than 64 levels"), std::string::npos);
    std::string deep_object;
    for (int i = 0; i < 70; ++i)
        deep_object += R"({"a":)";
    deep_object += "1" + std::string(70, '}');
    EXPECT_FALSE(parse_json_body(deep_object).has_value());
}

TEST(ParseJsonBody, CountsOnlyBracketsOutsideStrings) {
    std::string brackets_in_text = R"({"name": ")" + std::string(500, '[') + R"(\"{"})";
    auto parsed = parse_json_body(brackets_in_text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error();
    EXPECT_EQ((*parsed)["name"].get<std::string>().size(), 502U);
    EXPECT_TRUE(parse_json_body(std::string(64, '[') + std::string(64, ']')).has_value());
    EXPECT_FALSE(parse_json_body("{\"a\": ").has_value());
}

} // namespace
} // namespace hr2scim::http
