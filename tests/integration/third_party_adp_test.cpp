// ADP's own sample workers response (tests/data/third-party/, PROVENANCE.txt says where from and
// what was removed), served the way ADP Workforce Now serves workers
// (tests/hr_vendor_fakes/samples/adp_workers.mjs: a client-credentials token, $top and $skip,
// 204 past the end) and read with the adp_workforce_now preset as the example config has it,
// with the preset's mapping. Its 50 workers are 30 Active, 1 Inactive and 19 Terminated; two
// active workers have no business e-mail, and three share one mailbox. The outcome of each is
// checked on the SCIM server and in what the run says.
#include "http/http_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/node_server.hpp"
#include "tests/support/scim_test_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const std::string k_sample = std::string(HR2SCIM_SOURCE_DIR) +
                             "/tests/data/third-party/adp_workers-v2-all-workers.scrubbed.json";

class AdpSampleTest : public ::testing::Test {
  protected:
    AdpSampleTest()
        : adp("tests/hr_vendor_fakes/samples/adp_workers.mjs",
              {"--file", k_sample, "--port", "0"}) {
        const auto api = "http://127.0.0.1:" + std::to_string(adp.port());
        // examples/sources/adp_workforce_now.yaml, with ADP's hosts on loopback and no client
        // certificate (the loopback server asks for none).
        (void)dir.write("config.yaml", "source:\n  preset: adp_workforce_now\n  base_url: " + api +
                                           "\n  token_host: " + api +
                                           "\n  client_id: adp-sample-client\n  min_records: "
                                           "40\ntarget:\n  name: app\n  url: " +
                                           scim.scim_url() +
                                           "\n  token_env: HR2SCIM_TOKEN\nstate: state.db\n");
    }

    ProcessResult sync() {
        return run_process(
            {HR2SCIM_BINARY, "sync", "-c", (dir.path() / "config.yaml").string()},
            {{"HR2SCIM_TOKEN", scim.token()}, {"ADP_CLIENT_SECRET", "adp-sample-secret"}});
    }

    json seen_by_adp() {
        http::HttpClient client({});
        auto answer = client.send(
            {"GET", "http://127.0.0.1:" + std::to_string(adp.port()) + "/admin/requests", {}, {}});
        EXPECT_TRUE(answer.has_value());
        return answer ? json::parse(answer->body) : json{};
    }

    json user(const char* associate_oid) { return scim.user_with_external_id(associate_oid); }

    TempDir dir;
    ScimTestServer scim;
    NodeServer adp;
};

TEST_F(AdpSampleTest, TheWorkersOfAdpsSampleBecomeTheUsersThePresetSays) {
    const auto result = sync();
    const auto said = result.out + result.err;
    EXPECT_EQ(result.exit_code, 2) << said;

    // One token, then the workers in two pages: each page's $skip replaces the last.
    const auto seen = seen_by_adp();
    EXPECT_EQ(seen["tokens"], 1);
    EXPECT_EQ(seen["refused"], 0);
    ASSERT_EQ(seen["pages"].size(), 2U) << seen["pages"].front() << " ... " << seen["pages"].back();
    EXPECT_NE(seen["pages"][1].get<std::string>().find("skip=50"), std::string::npos);
    EXPECT_EQ(seen["pages"][1].get<std::string>().find("skip=0"), std::string::npos)
        << seen["pages"][1];

    // 31 workers are not Terminated; 2 have no business e-mail, and 2 of the 3 who share one
    // mailbox cannot have it: 27 accounts, all active (the preset's scope leaves out only
    // Terminated workers, so the Inactive one has an active account).
    EXPECT_EQ(scim.users().size(), 27U);
    EXPECT_EQ(scim.active_users(), 27U);
    EXPECT_EQ(user("AOIDVCBBYPWJ3CTF")["active"], true) << "Eliezer Bowman, Inactive in ADP";
    for (const char* terminated : {"AOID4J5VGEX1620N", "AOIDKEBFS6VB6B3B", "AOIDC2ARYPJNQ3Z3"})
        EXPECT_TRUE(user(terminated).is_null()) << terminated << " is Terminated";

    const auto arturo = user("AOIDWXNM07DXT3A0");
    EXPECT_EQ(arturo["userName"], "arturo.calle@test.com");
    EXPECT_EQ(arturo["name"]["givenName"], "Arturo");
    EXPECT_EQ(arturo["name"]["familyName"], "Calle");
    EXPECT_EQ(arturo["title"], "Compensation Specialist");
    EXPECT_EQ(arturo[k_enterprise]["department"], "Human Resources");
    EXPECT_EQ(arturo[k_enterprise]["employeeNumber"], "V31N1JC19");
    // ADP names the IT department by its longName alone.
    EXPECT_EQ(user("AOID6T12322HNF4C")[k_enterprise]["department"], "Information Technology");
    // Sang Bengston reports to Edward J Bonner, both in the sample.
    EXPECT_EQ(user("AOIDRWD8P0ETP3HQ")[k_enterprise]["manager"]["value"],
              user("G39P8HJJ3AE06NS0")["id"]);
    size_t department_groups = 0;
    for (const auto& group : scim.groups())
        department_groups += group["externalId"].get<std::string>().starts_with("department-");
    EXPECT_EQ(department_groups, 12U);

    // No business e-mail, no userName: rejected by key and reason, and their reports' manager
    // link is reported rather than cleared.
    for (const char* unreachable : {"G30K404TED759H96", "AOID499SZAR4NBHY"}) {
        EXPECT_TRUE(user(unreachable).is_null()) << unreachable;
        EXPECT_NE(said.find(std::string("(key ") + unreachable + "): userName is empty"),
                  std::string::npos)
            << said;
    }
    EXPECT_NE(said.find("G39P8HJJ3AE06NS0: manager G30K404TED759H96 is not in the source"),
              std::string::npos)
        << said;

    // One mailbox, three people: whichever was created first holds the account; the other
    // two are refused it, never handed someone else's.
    size_t holders = 0;
    for (const char* sharer : {"G3W8T51ERRJ67Y7J", "G3AYSDP53E6TE5WQ", "G3W8T51ERRJ6H3C6"}) {
        const auto account = user(sharer);
        holders += account.is_null() ? 0 : 1;
        if (account.is_null())
            EXPECT_NE(said.find(std::string("not taken over for ") + sharer), std::string::npos)
                << said;
        else
            EXPECT_EQ(account["userName"], "adp.contact.2@example.com");
    }
    EXPECT_EQ(holders, 1U);
}

} // namespace
} // namespace hr2scim::testing
