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
