// Each HR source preset end to end through a fake of its vendor's API
// (tests/hr_vendor_fakes/, built from the vendor's documentation; its CHANGELOG.md says what
// each fake enforces): a first sync, a change, a leaver as the vendor shows one, a page that
// breaks off mid-stream (nobody deactivated), the vendor's own rate-limit answer waited out,
// and wrong credentials (or no client certificate) refused the vendor's way. Checked on both
// fakes' sides: what the SCIM server holds, and the requests the HR fake answered.

#include "http/http_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/node_server.hpp"
#include "tests/support/scim_test_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <optional>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr int k_people = 250;

struct Vendor {
    const char* preset;
    // The source section's lines besides `preset:`; {api} is the fake's address.
    const char* source;
    std::map<std::string, std::string> credentials; // the environment the source reads
    int pages;                                      // how many data requests a whole read takes
    int fault_page;                                 // the page broken off mid-stream
    const char* key; // person 7's key on the SCIM server (externalId)
    // How the fake's /admin/people says a leaver (the vendor's way, e.g. status f)
    const char* leaver_change = R"({"termination_date": "2020-06-30", "status": "inactive"})";
    // Workday's REST worker summary names no manager: for it, the manager assertion becomes
    // "no manager is set", and nothing else is skipped.
    bool has_manager = true;
    // Workday REST: a leaver is a worker the collection no longer lists, and an absence is
    // confirmed over a second complete read (safety.confirm_absence) before deactivation.
    bool leaver_is_absent = false;
    // ADP: every request over mutual TLS. The test makes the certificates and adds ca_file,
    // client_certificate and client_key to the source.
    bool mutual_tls = false;
};

const Vendor k_vendors[] = {
    {.preset = "personio",
     .source =
         "  base_url: {api}\n  client_id: personio-client\n  client_secret_env: PERSONIO_SECRET\n",
     .credentials = {{"PERSONIO_SECRET", "personio-secret"}},
     .pages = 3,
     .fault_page = 2,
     .key = "7"},
    {.preset = "bamboohr",
     .source = "  company: acme\n  base_url: {api}\n",
     .credentials = {{"BAMBOOHR_API_KEY", "bamboo-key-5f1c"}},
     .pages = 1, // the report is one answer
     .fault_page = 1,
     .key = "40007"},
    {.preset = "hibob",
     .source = "  base_url: {api}\n  username: SERVICE-4711\n",
     .credentials = {{"HIBOB_SERVICE_TOKEN", "hibob-token-8d2e"}},
     .pages = 1, // the search answers everyone at once
     .fault_page = 1,
     .key = "3332883884017000007"},
    {.preset = "successfactors",
     .source = "  api_host: {api}\n  username: hr2scim_api@ACME\n  page_size: 100\n",
     .credentials = {{"SUCCESSFACTORS_PASSWORD", "sf-password"}},
     .pages = 3, // 100, 100 and 50 users, following d.__next
     .fault_page = 2,
     .key = "100007",
     // The User entity has no termination date: a leaver's status turns f.
     .leaver_change = R"({"status": "inactive"})"},
    {.preset = "adp_workforce_now",
     .source = "  base_url: {api}\n  token_host: {api}\n  client_id: adp-client\n",
     .credentials = {{"ADP_CLIENT_SECRET", "adp-secret"}},
     .pages = 4, // 100, 100, 50, then 204 No Content past the end
     .fault_page = 2,
     .key = "G3HRFAKE00000007",
     .mutual_tls = true},
    {.preset = "workday_raas",
     .source = "  host: {api}\n  tenant: acme\n  report_owner: ISU_hr2scim\n",
     .credentials = {{"WORKDAY_ISU_PASSWORD", "isu-password"}},
     .pages = 1, // the whole report in one answer
     .fault_page = 1,
     .key = "21007"},
    {.preset = "workday_rest",
     .source = "  host: {api}\n  tenant: acme\n  client_id: workday-client\n",
     .credentials = {{"WORKDAY_CLIENT_SECRET", "wd-secret"},
                     {"WORKDAY_REFRESH_TOKEN", "wd-refresh"}},
     .pages = 3, // limit 100, until the total
     .fault_page = 2,
     .key = "3aa5550b7fe348b98d7b5741afc60007", // the worker's Workday ID
     // The collection lists current workers only: a leaver is one it no longer lists.
     .leaver_change = R"({"status": "inactive"})",
     // The workerSummary view has no manager (nor dates, nor name parts).
     .has_manager = false,
     .leaver_is_absent = true},
};

// A CA for clients, a client certificate it signed, and the fake's own certificate (which the
// source trusts through ca_file), as ADP's mutual TLS needs them.
bool make_certificates(const TempDir& dir) {
    auto path = [&](const char* name) { return (dir.path() / name).string(); };
    auto openssl = [](std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), "openssl");
        auto made = run_process(arguments);
        if (made.exit_code != 0) throw std::runtime_error("openssl failed: " + made.err);
    };
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
             path("server.key"), "-out", path("server.pem")});
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=client-ca", "-keyout", path("client-ca.key"), "-out", path("client-ca.pem")});
    openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=hr2scim", "-keyout",
             path("client.key"), "-out", path("client.csr")});
    openssl({"x509", "-req", "-in", path("client.csr"), "-CA", path("client-ca.pem"), "-CAkey",
             path("client-ca.key"), "-CAcreateserial", "-days", "2", "-out", path("client.pem")});
    std::filesystem::permissions(dir.path() / "client.key",
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write);
    return true;
}

std::string name_of(const ::testing::TestParamInfo<Vendor>& info) {
    return info.param.preset;
}

void PrintTo(const Vendor& vendor, std::ostream* out) {
    *out << vendor.preset;
}

class VendorPresetTest : public ::testing::TestWithParam<Vendor> {
  protected:
    VendorPresetTest()
        : tls(GetParam().mutual_tls && make_certificates(dir)),
          fake("tests/hr_vendor_fakes/server.mjs", fake_arguments()) {
        write_config();
    }

    std::vector<std::string> fake_arguments() const {
        std::vector<std::string> arguments = {"--vendor", GetParam().preset,       "--port", "0",
                                              "--people", std::to_string(k_people)};
        if (tls)
            arguments.insert(arguments.end(),
                             {"--tls-cert", file("server.pem"), "--tls-key", file("server.key"),
                              "--tls-client-ca", file("client-ca.pem")});
        return arguments;
    }

    std::string file(const char* name) const { return (dir.path() / name).string(); }

    // The preset as an admin writes it, plus `more` lines in the source section.
    void write_config(const std::string& more = {}, bool client_certificate = true) {
        std::string source = GetParam().source;
        for (size_t at = source.find("{api}"); at != std::string::npos; at = source.find("{api}"))
            source.replace(at, 5, api_url());
        if (tls) source += "  ca_file: " + file("server.pem") + "\n";
        if (tls && client_certificate)
            source += "  client_certificate: " + file("client.pem") +
                      "\n  client_key: " + file("client.key") + "\n";
        (void)dir.write("config.yaml", "source:\n  preset: " + std::string(GetParam().preset) +
                                           "\n  max_retries: 3\n  min_records: 1\n" + source +
                                           more + "target:\n  url: " + scim.scim_url() +
                                           "\n  token_env: SCIM_TEST_TOKEN\nstate: state.db\n");
    }

    std::string api_url() const {
        return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(fake.port());
    }

    // `environment` replaces the vendor's credentials (wrong ones, to be refused).
    ProcessResult hr2scim(const std::string& command,
                          std::optional<std::map<std::string, std::string>> environment = {}) {
        std::vector<std::string> argv = {HR2SCIM_BINARY, command, "-c",
                                         (dir.path() / "config.yaml").string()};
        auto variables = environment.value_or(GetParam().credentials);
        variables["SCIM_TEST_TOKEN"] = scim.token();
        return run_process(argv, variables);
    }

    http::Response admin(const std::string& method, const std::string& path,
                         const std::string& body = {}) {
        http::ClientOptions options;
        if (tls) {
            options.ca_file = file("server.pem");
            options.client_certificate = file("client.pem");
            options.client_key = file("client.key");
        }
        http::HttpClient client(options);
        auto answer =
            client.send({method, api_url() + path, {{"Content-Type", "application/json"}}, body});
        EXPECT_TRUE(answer.has_value());
        return answer ? *answer : http::Response{};
    }
    json requests() { return json::parse(admin("GET", "/admin/requests").body); }

    json user(int n) {
        char name[32];
        std::snprintf(name, sizeof name, "person%04d@example.com", n);
        for (const auto& user : scim.users())
            if (user["userName"] == name) return user;
        return {};
    }

    TempDir dir;
    ScimTestServer scim;
    bool tls; // the fake serves HTTPS and asks for a client certificate
    NodeServer fake;
};

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

TEST_P(VendorPresetTest, AFirstSyncProvisionsEveryoneWithManagersAndDepartmentGroups) {
    auto result = hr2scim("sync");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(scim.users().size(), static_cast<size_t>(k_people));
    EXPECT_EQ(scim.active_users(), static_cast<size_t>(k_people));
    const auto seventh = user(7);
    ASSERT_FALSE(seventh.is_null());
    EXPECT_EQ(seventh["externalId"], GetParam().key);
    EXPECT_EQ(seventh["name"]["givenName"], "First7");
    EXPECT_EQ(seventh["name"]["familyName"], "Last7");
    EXPECT_EQ(seventh["displayName"], "First7 Last7");
    EXPECT_EQ(seventh["title"], "Engineer");
    EXPECT_EQ(seventh[k_enterprise]["department"], "Finance"); // 7 % 5: the company's third
    // 7 reports to 3: the manager is the SCIM id of person 3's user.
    if (GetParam().has_manager)
        EXPECT_EQ(seventh[k_enterprise]["manager"]["value"], user(3)["id"]);
    else
        EXPECT_FALSE(seventh[k_enterprise].contains("manager")) << seventh.dump();
    EXPECT_EQ(scim.groups().size(), 5U) << "one group per department";
    // The fake saw one read, page by page, with the credentials it checks.
    const auto seen = requests();
    EXPECT_EQ(seen["requests"], GetParam().pages) << seen.dump();
    EXPECT_EQ(seen["refused"], 0);
    for (const auto& [variable, secret] : GetParam().credentials) {
        EXPECT_EQ(result.out.find(secret), std::string::npos);
        EXPECT_EQ(result.err.find(secret), std::string::npos);
    }
}

TEST_P(VendorPresetTest, AChangeInTheHrSystemIsOneUpdate) {
    ASSERT_EQ(hr2scim("sync").exit_code, 0);
    scim.clear_requests();
    admin("POST", "/admin/people/12", R"({"title": "Engineering Manager"})");
    auto result = hr2scim("sync");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user(12)["title"], "Engineering Manager");
    EXPECT_EQ(scim.count_requests("PATCH") + scim.count_requests("PUT"), 1U);
    EXPECT_EQ(scim.count_requests("POST"), 0U);
}

// By termination date, or however the vendor says it (leaver_change, leaver_is_absent).
TEST_P(VendorPresetTest, ALeaverIsDeactivated) {
    ASSERT_EQ(hr2scim("sync").exit_code, 0);
    admin("POST", "/admin/people/9", GetParam().leaver_change);
    auto result = hr2scim("sync");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    if (GetParam().leaver_is_absent) {
        // Gone from the listing, without a date: deactivated when a second read confirms it.
        EXPECT_NE(result.out.find("absent once"), std::string::npos) << result.out;
        EXPECT_EQ(user(9)["active"], true);
        result = hr2scim("sync");
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    }
    EXPECT_EQ(user(9)["active"], false);
    EXPECT_EQ(scim.active_users(), static_cast<size_t>(k_people - 1));
}

TEST_P(VendorPresetTest, APageBrokenOffMidStreamDeactivatesNobody) {
    ASSERT_EQ(hr2scim("sync").exit_code, 0);
    // Someone is gone from the API, and the read breaks: nobody may be taken for a leaver.
    admin("DELETE", "/admin/people/250");
    admin("POST", "/admin/fault",
          R"({"kind": "fail-page", "page": )" + std::to_string(GetParam().fault_page) + "}");
    scim.clear_requests();
    auto result = hr2scim("sync");
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE((result.out + result.err).find("page " + std::to_string(GetParam().fault_page)),
              std::string::npos)
        << result.out << result.err;
    EXPECT_EQ(scim.active_users(), static_cast<size_t>(k_people));
    EXPECT_EQ(user(250)["active"], true);
    EXPECT_EQ(scim.count_requests("PATCH") + scim.count_requests("PUT") +
                  scim.count_requests("DELETE"),
              0U);
}

TEST_P(VendorPresetTest, TheVendorsRateLimitAnswerIsWaitedOutAndNothingIsLost) {
    admin("POST", "/admin/fault", R"({"kind": "rate-limit", "times": 2})");
    auto result = hr2scim("sync");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(scim.users().size(), static_cast<size_t>(k_people));
    const auto seen = requests();
    EXPECT_EQ(seen["rate_limited"], 2) << seen.dump();
    EXPECT_EQ(seen["requests"], GetParam().pages) << "each page answered once: " << seen.dump();
}

TEST_P(VendorPresetTest, AFieldTheTenantDoesNotReturnIsNamedWithTheFieldsItDoes) {
    // Custom fields differ per tenant: a path this tenant's API does not return.
    write_config("  fields:\n    department: custom.cost_centre_department\n");
    for (const char* command : {"validate", "sync"}) {
        auto result = hr2scim(command);
        EXPECT_EQ(result.exit_code, 1) << command << result.out << result.err;
        const auto said = result.out + result.err;
        EXPECT_NE(said.find("fields.department (custom.cost_centre_department)"), std::string::npos)
            << command << said;
        // ...and what it did return, to pick the path from.
        EXPECT_NE(said.find("The records hold:"), std::string::npos) << said;
    }
    // explain says why it cannot tell, rather than that the person is not in the source.
    auto variables = GetParam().credentials;
    variables["SCIM_TEST_TOKEN"] = scim.token();
    auto explained = run_process(
        {HR2SCIM_BINARY, "explain", "-c", (dir.path() / "config.yaml").string(), GetParam().key},
        variables);
    EXPECT_EQ(explained.exit_code, 1) << explained.out << explained.err;
    EXPECT_NE(explained.out.find("SOURCE FAILED: no record the API returned holds "
                                 "fields.department (custom.cost_centre_department)"),
              std::string::npos)
        << explained.out;
    EXPECT_EQ(explained.out.find("has no record with the key"), std::string::npos) << explained.out;
    EXPECT_EQ(scim.users().size(), 0U) << "nothing is sent on a read that lacks a field";
    // A field marked optional may be missing: the rest of the preset works.
    write_config(
        "  fields:\n    department: {path: custom.cost_centre_department, optional: true}\n");
    auto result = hr2scim("sync");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_TRUE(user(7)[k_enterprise]["department"].is_null()) << user(7).dump();
}

TEST_P(VendorPresetTest, WrongCredentialsAreRefusedTheVendorsWayAndNothingIsSent) {
    std::map<std::string, std::string> wrong;
    for (const auto& [variable, secret] : GetParam().credentials)
        wrong[variable] = "wrong-" + secret;
    auto result = hr2scim("sync", wrong);
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE((result.out + result.err).find("HTTP 401"), std::string::npos)
        << result.out << result.err;
    const auto seen = requests();
    EXPECT_GE(seen["refused"], 1) << seen.dump();
    EXPECT_EQ(seen["requests"], 0) << "no data was answered: " << seen.dump();
    EXPECT_EQ(scim.users().size(), 0U);
}

// Only the vendors that ask for a client certificate (ADP).
class MutualTlsVendorTest : public VendorPresetTest {};

TEST_P(MutualTlsVendorTest, WithoutItsClientCertificateNothingIsRead) {
    write_config({}, false);
    auto result = hr2scim("sync");
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    const auto seen = requests();
    EXPECT_GE(seen["refused"], 1) << "refused in the TLS handshake: " << seen.dump();
    EXPECT_EQ(seen["requests"], 0) << seen.dump();
    EXPECT_EQ(scim.users().size(), 0U);
}

INSTANTIATE_TEST_SUITE_P(Presets, VendorPresetTest, ::testing::ValuesIn(k_vendors), name_of);

std::vector<Vendor> mutual_tls_vendors() {
    std::vector<Vendor> vendors;
    for (const auto& vendor : k_vendors)
        if (vendor.mutual_tls) vendors.push_back(vendor);
    return vendors;
}

INSTANTIATE_TEST_SUITE_P(Presets, MutualTlsVendorTest, ::testing::ValuesIn(mutual_tls_vendors()),
                         name_of);

} // namespace
} // namespace hr2scim::testing
