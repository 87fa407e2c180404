#include "http/http_client.hpp"
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
    EXPECT_EQ(error.detail.size(), 303U);
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
