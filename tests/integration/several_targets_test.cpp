// One config, several targets (`targets:`): each with its own mapping, all planned from one
// read of the HR system (the HR API's own request counter says it was asked once), and a
// target that is down fails alone: the others are synced, and the summary and the exit code
// name it.

#include "http/http_client.hpp"
#include "state/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/node_server.hpp"
#include "tests/support/scim_test_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

constexpr int k_people = 250;

class SeveralTargetsTest : public ::testing::Test {
  protected:
    SeveralTargetsTest()
        : crm("crm-token-71b3"), wiki("wiki-token-0c9e"),
          api("tests/hr_api_server/server.mjs",
              {"--port", "0", "--people", std::to_string(k_people)}) {
        // The wiki gets fewer attributes: its own mapping.
        (void)dir.write("wiki-mapping.yaml", "attributes:\n"
                                             "  userName: \"{lower(work.email)}\"\n"
                                             "  externalId: { column: id }\n"
                                             "  displayName: \"{name.first} {name.last}\"\n");
        write_config(wiki.scim_url());
    }

    void write_config(const std::string& wiki_url) {
        (void)dir.write("config.yaml",
                        "source:\n  type: http_api\n  key: id\n  max_retries: 0\n"
                        "  url: http://127.0.0.1:" +
                            std::to_string(api.port()) +
                            "/api/next\n  records: /items\n  pagination: next_url\n"
                            "  next_pointer: /links/next\n  auth: bearer\n"
                            "  token: ${HR_API_TOKEN}\n"
                            "mapping: " HR2SCIM_SOURCE_DIR "/tests/data/hr_api_mapping.yaml\n"
                            "targets:\n"
                            "  - name: crm\n    url: " +
                            crm.scim_url() +
                            "\n    token: ${CRM_TOKEN}\n"
                            "  - name: wiki\n    url: " +
                            wiki_url +
                            "\n    token: ${WIKI_TOKEN}\n    mapping: wiki-mapping.yaml\n"
                            "    max_retries: 0\n    timeout_seconds: 2\n"
                            "    safety: { max_deactivations: 0 }\n"
                            "state: state.db\n");
    }

    ProcessResult hr2scim(const std::vector<std::string>& arguments) {
        std::vector<std::string> argv = {HR2SCIM_BINARY};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        argv.insert(argv.end(), {"-c", (dir.path() / "config.yaml").string()});
        return run_process(argv, {{"HR_API_TOKEN", "hr-token"},
                                  {"CRM_TOKEN", crm.token()},
                                  {"WIKI_TOKEN", wiki.token()}});
    }

    // Requests the HR API has served so far.
    int api_requests() {
        http::HttpClient client({});
        auto answer = client.send(
            {"GET", "http://127.0.0.1:" + std::to_string(api.port()) + "/admin/requests", {}, {}});
        return answer ? nlohmann::json::parse(answer->body)["requests"].get<int>() : -1;
    }

    TempDir dir;
    ScimTestServer crm;
    ScimTestServer wiki;
    NodeServer api;
};

TEST_F(SeveralTargetsTest, EachTargetGetsItsOwnMappingFromOneReadOfTheSource) {
    const int before_one = api_requests();
    auto one = hr2scim({"validate", "--target", "crm"});
    ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
    const int one_read = api_requests() - before_one;
    ASSERT_GT(one_read, 1) << "the source has several pages";

    const int before = api_requests();
    auto result = hr2scim({"sync"});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(api_requests() - before, one_read) << "both targets planned from one read";
    EXPECT_NE(result.out.find("Targets: crm ok (exit 0); wiki ok (exit 0)."), std::string::npos)
        << result.out;

    ASSERT_EQ(crm.users().size(), static_cast<size_t>(k_people));
    ASSERT_EQ(wiki.users().size(), static_cast<size_t>(k_people));
    const auto at_crm = crm.user_with_external_id("P0250");
    const auto at_wiki = wiki.user_with_external_id("P0250");
    EXPECT_EQ(at_crm["phoneNumbers"][0]["value"], "+1 555 0250") << "the shared mapping";
    EXPECT_FALSE(at_wiki.contains("phoneNumbers")) << "the wiki's own mapping: " << at_wiki;
    EXPECT_EQ(at_wiki["displayName"], "First250 Last250") << at_wiki;

    crm.clear_requests();
    wiki.clear_requests();
    auto again = hr2scim({"sync"});
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(crm.requests().size() + wiki.requests().size(), 0U)
        << "nothing changed, nothing sent";
}

TEST_F(SeveralTargetsTest, ATargetThatIsDownFailsAloneAndTheSummaryNamesIt) {
    write_config("http://127.0.0.1:1/scim/v2");
    auto result = hr2scim({"sync"});
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_EQ(crm.users().size(), static_cast<size_t>(k_people)) << "the other target is synced";
    EXPECT_NE(result.out.find("Targets: crm ok (exit 0); wiki FAILED (exit 1)."), std::string::npos)
        << result.out;
    state::Database db(dir.path() / "state.db", true);
    auto runs = db.prepare("SELECT target, exit_code FROM runs ORDER BY id");
    std::vector<std::pair<std::string, int64_t>> recorded;
    while (runs.step())
        recorded.emplace_back(runs.text(0), runs.integer(1));
    EXPECT_EQ(recorded, (std::vector<std::pair<std::string, int64_t>>{{"crm", 0}, {"wiki", 1}}));

    auto only = hr2scim({"plan", "--target", "crm"});
    EXPECT_EQ(only.exit_code, 0) << only.err;
    EXPECT_EQ(only.out.find("wiki"), std::string::npos) << "--target runs that one only";
    auto unknown = hr2scim({"plan", "--target", "erp"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("--target erp: no target of that name (the config has: crm, wiki)"),
              std::string::npos)
        << unknown.err;
    auto approve = hr2scim({"sync", "--approve-withheld", "abc"});
    EXPECT_EQ(approve.exit_code, 1);
    EXPECT_NE(approve.err.find("name it with --target NAME"), std::string::npos) << approve.err;
}

} // namespace
} // namespace hr2scim::testing
