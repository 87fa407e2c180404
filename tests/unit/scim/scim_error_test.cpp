#include "http/http_client.hpp"
#include "http/secrets.hpp"
#include "scim/scim_error.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

TEST(ScimError, ReadsScimTypeAndDetail) {
    http::Response response{409, {}, R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status":"409","scimType":"uniqueness","detail":"userName taken"})"};
    auto error = error_from_response(response);
    EXPECT_EQ(error.describe(), "HTTP 409 uniqueness: userName taken");
}

TEST(ScimError, ExplainsAuthenticationFailures) {
    auto error =
        error_from_response({401, {}, R"({"status":"401","detail":"Invalid bearer token"})"});
    EXPECT_EQ(error.describe(),
              "HTTP 401: Invalid bearer token (the target rejected the credentials: check "
              "target.token_env or token_file)");
}

TEST(ScimError, FallsBackToAShortenedRawBody) {
    auto error = error_from_response({502, {}, std::string(1000, 'x')});
    EXPECT_EQ(error.detail, std::string(200, 'x') + "...") << "its first 200 characters";
    CallError no_answer{0, {}, "Connection refused", 3};
    EXPECT_EQ(no_answer.describe(), "no answer: Connection refused (after 3 attempts)");
}

} // namespace
} // namespace hr2scim::scim

namespace hr2scim::scim {
namespace {

TEST(ScimError, AnHtmlPageBecomesOneLineOfItsText) {
    const std::string page =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Error</title>\n<style>body { color: red; }</style>\n"
        "</head>\n<body>\n<pre>Cannot GET /wrong/v2/Users</pre>\n</body>\n"
        "</html>\n";
    auto error = error_from_response({404, {}, page});
    EXPECT_EQ(error.detail, "Error Cannot GET /wrong/v2/Users");
    EXPECT_EQ(error.describe().find('\n'), std::string::npos);
}

TEST(ScimError, PlainTextKeepsItsAngleBracketsOnOneLine) {
    auto error = error_from_response({500, {}, "a < b\r\n  failed"});
    EXPECT_EQ(error.detail, "a < b failed");
}

} // namespace
} // namespace hr2scim::scim

namespace hr2scim::scim {
namespace {

// A page says "Internal Server Error" in its title, its heading and its text: once is enough.
TEST(ScimError, AnErrorPageSaysEachThingOnce) {
    const std::string flask =
        "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
        "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was "
        "unable to complete your request.</p>\n";
    EXPECT_EQ(error_from_response({500, {}, flask}).describe(),
              "HTTP 500: Internal Server Error The server encountered an internal error and was "
              "unable to complete your request.");
    const std::string nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                              "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</"
                              "center>\r\n</body>\r\n</html>\r\n";
    EXPECT_EQ(error_from_response({502, {}, nginx}).describe(), "HTTP 502: Bad Gateway nginx");
    EXPECT_EQ(error_from_response({500, {}, "500 Internal Server Error"}).describe(),
              "HTTP 500: Internal Server Error");
}

TEST(ScimError, AnAnswerThatIsNotJsonShowsItsFirst200CharactersRedacted) {
    http::register_secret("s3cr3t-echoed-token");
    const std::string body =
        "Proxy login required; you sent Bearer s3cr3t-echoed-token\n" + std::string(400, 'z');
    const auto detail = error_from_response({403, {}, body}).detail;
    EXPECT_EQ(
        detail,
        ("Proxy login required; you sent Bearer REDACTED " + std::string(400, 'z')).substr(0, 200) +
            "...");
}

} // namespace
} // namespace hr2scim::scim
