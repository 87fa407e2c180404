// The HR API source against a real HTTP server: every pagination style reads everyone, and
// every fault ends in a source failure with nobody deactivated on the SCIM server.

#include "http/http_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/node_server.hpp"
#include "tests/support/scim_test_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

constexpr int k_people = 250;

struct Style {
    const char* name;
    const char* options; // the source's pagination options
};

const Style k_styles[] = {
    {"page",
     "  url: {api}/api/page\n  records: /employees\n  pagination: page\n  size_param: per_page\n"},
    {"offset", "  url: {api}/api/offset\n  records: /data\n  pagination: offset\n"
               "  total_pointer: /metadata/total_elements\n"},
    {"cursor", "  url: {api}/api/cursor\n  records: /results\n  pagination: cursor\n  "
               "cursor_pointer: /next_cursor\n"},
    {"next_url", "  url: {api}/api/next\n  records: /items\n  pagination: next_url\n  "
                 "next_pointer: /links/next\n"},
    {"link", "  url: {api}/api/link\n  records: \"\"\n  pagination: link\n"},
};

class HttpApiTest : public ::testing::Test {
  protected:
    HttpApiTest()
        : api("tests/hr_api_server/server.mjs",
              {"--port", "0", "--people", std::to_string(k_people)}) {}

    std::string api_url() const { return "http://127.0.0.1:" + std::to_string(api.port()); }

    std::string source(const Style& style,
                       const std::string& auth = "  auth: bearer\n  token_env: HR_API_TOKEN\n",
                       const std::string& url_suffix = "") {
        std::string options = style.options;
        options.replace(options.find("{api}"), 5, api_url());
        if (!url_suffix.empty()) options.insert(options.find('\n'), url_suffix);
        return "source:\n  type: http_api\n  key: id\n  max_retries: 0\n  timeout_seconds: 2\n" +
               options + auth;
    }

    // `limit_seconds`: the process is killed (exit 137) if it runs longer.
    ProcessResult run(const std::string& command, const std::string& source_yaml,
                      const std::string& hr_token = "hr-token", int limit_seconds = 0) {
        (void)dir.write("config.yaml", source_yaml +
                                           "mapping: " HR2SCIM_SOURCE_DIR
                                           "/tests/data/hr_api_mapping.yaml\n"
                                           "target:\n  url: " +
                                           scim.scim_url() +
                                           "\n  token_env: SCIM_TEST_TOKEN\n"
                                           "state: state.db\n");
        std::vector<std::string> argv = {HR2SCIM_BINARY, command, "-c",
                                         (dir.path() / "config.yaml").string()};
        if (limit_seconds > 0)
            argv.insert(argv.begin(), {"timeout", "-s", "KILL", std::to_string(limit_seconds)});
        return run_process(argv, {{"SCIM_TEST_TOKEN", scim.token()},
                                  {"HR_API_TOKEN", hr_token},
                                  {"HR_API_PASSWORD", "hr-pass"},
                                  {"HR_API_SECRET", "hr-secret"}});
    }

    // The HR API's own counters: requests served, and credentials that reached another origin.
    nlohmann::json admin() {
        http::HttpClient client({});
        auto answer = client.send({"GET", api_url() + "/admin/requests", {}, {}});
        return answer ? nlohmann::json::parse(answer->body) : nlohmann::json();
    }

    TempDir dir;
    ScimTestServer scim;
    NodeServer api;
};

class PaginationTest : public HttpApiTest, public ::testing::WithParamInterface<Style> {};

TEST_P(PaginationTest, ReadsEveryPersonOnEveryPage) {
    auto result = run("sync", source(GetParam()));
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(scim.users().size(), static_cast<size_t>(k_people));
    auto last = scim.user_with_external_id("P0250");
    EXPECT_EQ(last["userName"], "person0250@example.com");
    EXPECT_EQ(last["name"]["familyName"], "Last250");
    EXPECT_EQ(last["phoneNumbers"][0]["value"], "+1 555 0250");
    EXPECT_EQ(last["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"],
              "D4");
}

INSTANTIATE_TEST_SUITE_P(Styles, PaginationTest, ::testing::ValuesIn(k_styles),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(HttpApiTest, AnApiThatCapsItsPagesBelowThePageSizeIsStillReadWhole) {
    std::string asks_for_more = source(k_styles[0]) + "  page_size: 200\n";
    auto result = run("sync", asks_for_more);
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(scim.users().size(), static_cast<size_t>(k_people))
        << "100 a page although 200 were asked for";
}

TEST_F(HttpApiTest, BasicAuthWorks) {
    auto result =
        run("validate",
            source(k_styles[0],
                   "  auth: basic\n  username: hr-user\n  password_env: HR_API_PASSWORD\n"));
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("250 records, 250 mapped"), std::string::npos) << result.out;
}

TEST_F(HttpApiTest, OAuth2ClientCredentialsWork) {
    auto result = run("validate", source(k_styles[3], "  auth: oauth2\n  token_url: " + api_url() +
                                                          "/oauth/token\n  client_id: hr-client\n"
                                                          "  client_secret_env: HR_API_SECRET\n"));
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("250 records, 250 mapped"), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find("hr-secret"), std::string::npos);
}

TEST_F(HttpApiTest, ATooManyRequestsAnswerIsRetried) {
    auto with_retries =
        source(k_styles[1], "  auth: bearer\n  token_env: HR_API_TOKEN\n", "?fault=429-once");
    with_retries.replace(with_retries.find("max_retries: 0"), 14, "max_retries: 2");
    auto result = run("sync", with_retries);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(scim.users().size(), static_cast<size_t>(k_people));
}

TEST_F(HttpApiTest, AWrongTokenFailsTheSourceWithoutShowingIt) {
    auto result = run("sync", source(k_styles[0]), "wrong-hr-token-66");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("page 1 ("), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("HTTP 401"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("wrong-hr-token-66"), std::string::npos);
    EXPECT_EQ(result.err.find("wrong-hr-token-66"), std::string::npos);
}

struct Fault {
    const char* name;
    size_t style;        // index into k_styles
    const char* message; // part of the failure the run must print
};

const Fault k_faults[] = {
    {"500", 0, "page 2 ("},
    {"missing-array", 0, "no /employees in the page"},
    {"malformed", 0, "the answer is not valid JSON"},
    {"slow", 1, "page 2 ("},
    {"endless", 3, "the API points back to a page already read"},
    {"forever", 3, "pages (max_pages); the API keeps paging"},
    {"endless", 4, "the API points back to a page already read"},
    // Answers that do not add up, or try to take the credentials elsewhere.
    {"total-more", 1, "the API says it has 253 records in total, but the read returned 250"},
    {"total-less", 1, "the API says it has 203 records in total, but the read returned 250"},
    {"total-zero", 1, "the API says it has 0 records in total, but the read returned 100"},
    {"unterminated-link", 4, "the Link header has a `<` without its `>`"},
    {"other-origin", 3, "the API's next page is on another origin (http://localhost:"},
    {"deep", 0, "nests JSON more than 64 levels deep"},
    {"retry-huge", 0, "longer than a retry may wait"},
};

class FaultTest : public HttpApiTest, public ::testing::WithParamInterface<Fault> {};

TEST_P(FaultTest, EndsInASourceFailureAndDeactivatesNobody) {
    const Style& style = k_styles[GetParam().style];
    ASSERT_EQ(run("sync", source(style)).exit_code, 0);
    scim.clear_requests();

    std::string faulty = source(style, "  auth: bearer\n  token_env: HR_API_TOKEN\n",
                                std::string("?fault=") + GetParam().name);
    if (std::string(GetParam().name) == "forever") faulty += "  max_pages: 20\n";
    if (std::string(GetParam().name) == "retry-huge")
        faulty.replace(faulty.find("max_retries: 0"), 14, "max_retries: 2");
    auto result = run("sync", faulty);
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("SOURCE FAILED"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find(GetParam().message), std::string::npos) << result.out;
    EXPECT_EQ(scim.active_users(), static_cast<size_t>(k_people));
    EXPECT_EQ(scim.count_requests("PATCH") + scim.count_requests("DELETE"), 0U);
    EXPECT_EQ(admin()["leaked"], 0) << "no credentials reached another origin";
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultTest, ::testing::ValuesIn(k_faults),
                         [](const auto& param_info) {
                             std::string name = std::string(param_info.param.name) + "_" +
                                                k_styles[param_info.param.style].name;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

TEST_F(HttpApiTest, AnErrorThatEchoesTheCredentialsShowsNoneOfThem) {
    for (const auto& auth :
         {std::string("  auth: bearer\n  token_env: HR_API_TOKEN\n"),
          std::string("  auth: basic\n  username: hr-user\n  password_env: HR_API_PASSWORD\n")}) {
        auto result = run("sync", source(k_styles[0], auth, "?fault=echo"));
        EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
        EXPECT_NE(result.out.find("HTTP 400"), std::string::npos) << result.out;
        EXPECT_NE(result.out.find("REDACTED"), std::string::npos)
            << "the echo is shown, redacted: " << result.out;
        for (const std::string secret :
             {"hr-token", "hr-pass", "aHItdXNlcjpoci1wYXNz" /* base64 of hr-user:hr-pass */}) {
            EXPECT_EQ(result.out.find(secret), std::string::npos) << secret << " in " << result.out;
            EXPECT_EQ(result.err.find(secret), std::string::npos) << secret << " in " << result.err;
        }
    }
}

TEST_F(HttpApiTest, AnOAuth2TokenHoldingALineBreakIsRefusedNotSent) {
    auto result =
        run("sync", source(k_styles[3], "  auth: oauth2\n  token_url: " + api_url() +
                                            "/oauth/token?fault=crlf\n  client_id: hr-client\n"
                                            "  client_secret_env: HR_API_SECRET\n"));
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("access_token holding spaces or control characters; refused"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(admin()["requests"], 0) << "no page was asked for with it";
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// A value taken from an answer into the next request (a next link, a cursor) that is far too
// long: refused by name, never handed to libcurl, never retried; the run ends in bounded
// time (it used to hang for ever holding the state lock).
struct Huge {
    const char* fault;
    size_t style;
    const char* message;
};

const Huge k_huge[] = {
    {"huge-next", 3, "the API's next page link (/links/next) is 1048"},
    {"huge-cursor", 2, "the API's next cursor (/next_cursor) is 1048576 bytes long"},
};

class HugeValueTest : public HttpApiTest, public ::testing::WithParamInterface<Huge> {};

TEST_P(HugeValueTest, EndsTheRunWithAClearErrorInBoundedTime) {
    std::string faulty =
        source(k_styles[GetParam().style], "  auth: bearer\n  token_env: HR_API_TOKEN\n",
               std::string("?fault=") + GetParam().fault);
    faulty.replace(faulty.find("max_retries: 0"), 14, "max_retries: 2");
    auto result = run("sync", faulty, "hr-token", 60);
    ASSERT_NE(result.exit_code, 137) << "killed after 60 s: the run hung";
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("SOURCE FAILED"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find(GetParam().message), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("more than 16384; refused"), std::string::npos) << result.out;
    EXPECT_EQ(admin()["requests"], 1) << "page 1 only: the huge link was never requested";
    EXPECT_EQ(scim.users().size(), 100U) << "page 1's people; nobody else";
}

INSTANTIATE_TEST_SUITE_P(Values, HugeValueTest, ::testing::ValuesIn(k_huge),
                         [](const auto& param_info) {
                             std::string name = param_info.param.fault;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST_F(HttpApiTest, AHugeOAuth2TokenFailsTheSourceByName) {
    auto result =
        run("sync",
            source(k_styles[2], "  auth: oauth2\n  token_url: " + api_url() +
                                    "/oauth/token?fault=huge-token\n  client_id: hr-client\n"
                                    "  client_secret_env: HR_API_SECRET\n"),
            "hr-token", 60);
    ASSERT_NE(result.exit_code, 137) << "killed after 60 s: the run hung";
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("SOURCE FAILED"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("answered with an access_token of 1048576 bytes, more than 32768; "
                              "refused"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(admin()["requests"], 0) << "no page was asked for with it";
}

TEST_F(HttpApiTest, AHugeKeyRejectsItsRecordAndTheRunGoesOn) {
    std::string faulty =
        source(k_styles[3], "  auth: bearer\n  token_env: HR_API_TOKEN\n", "?fault=huge-key");
    faulty.replace(faulty.find("max_retries: 0"), 14, "max_retries: 2");
    auto result = run("sync", faulty, "hr-token", 60);
    ASSERT_NE(result.exit_code, 137) << "killed after 60 s: the run hung";
    EXPECT_NE(result.out.find("id is 1048576 bytes long, more than 1024; not a key"),
              std::string::npos)
        << result.out;
    // The first person of each of the three pages has the huge id.
    EXPECT_EQ(scim.users().size(), static_cast<size_t>(k_people - 3));
    EXPECT_TRUE(scim.user_with_external_id("P0001").is_null());
    EXPECT_FALSE(scim.user_with_external_id("P0002").is_null());
}

} // namespace
} // namespace hr2scim::testing
