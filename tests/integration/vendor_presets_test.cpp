// Each HR source preset end to end through a fake of its vendor's API
// (tests/hr_vendor_fakes/, built from the vendor's documentation): a first sync, a change, a
// leaver by termination date, a page that breaks off mid-stream (nobody deactivated), and the
// vendor's own rate-limit answer waited out. Checked on both fakes' sides: what the SCIM
// server holds, and the requests the HR fake answered.

#include "http/http_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/node_server.hpp"
#include "tests/support/scim_test_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

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
    bool has_termination_date = true;
    // How the fake's /admin/people says a leaver (the vendor's way, e.g. status f)
    const char* leaver_change = R"({"termination_date": "2020-06-30", "status": "inactive"})";
};

const Vendor k_vendors[] = {
    {"personio",
     "  base_url: {api}\n  client_id: personio-client\n  client_secret_env: PERSONIO_SECRET\n",
     {{"PERSONIO_SECRET", "personio-secret"}},
     3,
     2,
     "7"},
};

std::string name_of(const ::testing::TestParamInfo<Vendor>& info) {
    return info.param.preset;
}

void PrintTo(const Vendor& vendor, std::ostream* out) {
    *out << vendor.preset;
}

class VendorPresetTest : public ::testing::TestWithParam<Vendor> {
  protected:
    VendorPresetTest()
        : fake("tests/hr_vendor_fakes/server.mjs", {"--vendor", GetParam().preset, "--port", "0",
                                                    "--people", std::to_string(k_people)}) {
        write_config();
    }

    // The preset as an admin writes it, plus `more` lines in the source section.
    void write_config(const std::string& more = {}) {
        std::string source = GetParam().source;
        for (size_t at = source.find("{api}"); at != std::string::npos; at = source.find("{api}"))
            source.replace(at, 5, api_url());
        (void)dir.write("config.yaml", "source:\n  preset: " + std::string(GetParam().preset) +
                                           "\n  max_retries: 3\n  min_records: 1\n" + source +
                                           more + "target:\n  url: " + scim.scim_url() +
                                           "\n  token_env: SCIM_TEST_TOKEN\nstate: state.db\n");
    }

    std::string api_url() const { return "http://127.0.0.1:" + std::to_string(fake.port()); }

    ProcessResult hr2scim(const std::string& command, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {HR2SCIM_BINARY, command, "-c",
                                         (dir.path() / "config.yaml").string()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto environment = GetParam().credentials;
        environment["SCIM_TEST_TOKEN"] = scim.token();
        return run_process(argv, environment);
    }

    http::Response admin(const std::string& method, const std::string& path,
                         const std::string& body = {}) {
        http::HttpClient client({});
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
    EXPECT_EQ(seventh["title"], "Engineer");
    EXPECT_EQ(seventh[k_enterprise]["department"], "Finance"); // 7 % 5: the company's third
    // 7 reports to 3: the manager is the SCIM id of person 3's user.
    EXPECT_EQ(seventh[k_enterprise]["manager"]["value"], user(3)["id"]);
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

TEST_P(VendorPresetTest, ALeaverByTerminationDateIsDeactivated) {
    ASSERT_EQ(hr2scim("sync").exit_code, 0);
    admin("POST", "/admin/people/9", GetParam().leaver_change);
    auto result = hr2scim("sync");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
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
    EXPECT_EQ(scim.users().size(), 0U) << "nothing is sent on a read that lacks a field";
    // A field marked optional may be missing: the rest of the preset works.
    write_config(
        "  fields:\n    department: {path: custom.cost_centre_department, optional: true}\n");
    auto result = hr2scim("sync");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_TRUE(user(7)[k_enterprise]["department"].is_null()) << user(7).dump();
}

INSTANTIATE_TEST_SUITE_P(Presets, VendorPresetTest, ::testing::ValuesIn(k_vendors), name_of);

} // namespace
} // namespace hr2scim::testing
