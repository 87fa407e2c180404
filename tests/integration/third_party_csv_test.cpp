// Exports nobody here wrote (tests/data/third-party/, PROVENANCE.txt): Microsoft's sample HR
// exports for Entra inbound provisioning, through the README's "first sync from your own CSV"
// as an admin follows it, and a messy export derived from them. The samples are as Microsoft
// published them, and messy in the ways real exports are: one WorkerID held by several people,
// managers outside the file, inactive workers, pronouns and custom columns. Every outcome is
// checked on the SCIM server; the expected counts were worked out from the files apart from
// hr2scim (PROVENANCE.txt says how).
#include "tests/support/child_process.hpp"
#include "tests/support/documentation.hpp"
#include "tests/support/scim_test_server.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

const std::filesystem::path k_data =
    std::filesystem::path(HR2SCIM_SOURCE_DIR) / "tests/data/third-party";
constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* k_acme = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";

// Step 3 of the walk-through for Microsoft's columns, written as the README says to: which SCIM
// attribute each column goes to. It is Microsoft's own AttributeMapping.psd1 (published beside
// the samples) in hr2scim's words, `active` from WorkerStatus as Microsoft's mapping has it.
constexpr const char* k_entra_mapping = R"(attributes:
  userName: { column: UserID }
  externalId: { column: WorkerID }
  active: { expr: 'WorkerStatus == "Active"' }
  name.givenName: { column: FirstName }
  name.familyName: { column: LastName }
  displayName: { column: FullName }
  nickName: { column: UserID }
  userType: { column: WorkerType }
  title: { column: JobTitle }
  addresses[type eq "work"].streetAddress: { column: StreetAddress }
  addresses[type eq "work"].locality: { column: City }
  addresses[type eq "work"].postalCode: { column: ZipCode }
  addresses[type eq "work"].country: { column: CountryCode }
  phoneNumbers[type eq "work"].value: { column: OfficePhone }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber: { column: WorkerID }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter: { column: CostCenter }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization: { column: Company }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division: { column: Division }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department: { column: Department }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager: { column: ManagerID }
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "no " << from << " in:\n" << text;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// The walk-through's config, commands and token, from the README itself.
struct Walkthrough {
    std::string config;
    std::map<std::string, std::string> env;
    std::vector<std::vector<std::string>> commands; // each as the README writes it
};

Walkthrough readme_walkthrough() {
    const auto section = documentation_section("A first sync from your own CSV");
    EXPECT_TRUE(section) << "no page, or more than one, has the section";
    if (!section) return {};
    const auto yaml = fenced_blocks(section->text, "yaml");
    const auto sh = fenced_blocks(section->text, "sh");
    EXPECT_EQ(yaml.size(), 2U);
    EXPECT_EQ(sh.size(), 1U);
    if (yaml.empty() || sh.empty()) return {};
    Walkthrough walkthrough{yaml[0], {}, {}};
    std::istringstream lines(sh[0]);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream in(line.substr(0, line.find(" #")));
        std::vector<std::string> words;
        for (std::string word; in >> word;)
            words.push_back(word);
        if (words.size() == 2 && words[0] == "export") {
            const auto equals = words[1].find('=');
            walkthrough.env[words[1].substr(0, equals)] = words[1].substr(equals + 1);
        } else if (!words.empty()) {
            walkthrough.commands.push_back(words);
        }
    }
    return walkthrough;
}

struct EntraSample {
    const char* file;
    int min_records; // the walk-through's "near your head count"
    size_t rows, users, active, linked, unknown_managers;
    const char* inactive;      // a row with WorkerStatus Inactive
    const char* outsider;      // a worker whose ManagerID no row of the file has
    const char* their_manager; // that ManagerID
    const char* report;        // a worker whose manager is in the file (nullptr: none is)
    const char* manager;
    const char* repeated;    // a WorkerID two people hold (nullptr: none does)
    const char* repeated_at; // the lines that hold it
};

const EntraSample k_samples[] = {
    {"entra_csv-with-2-records.csv", 2, 2, 2, 1, 0, 2, "1222", "1513", "1959", nullptr, nullptr,
     nullptr, nullptr},
    {"entra_csv-with-1000-records.first-250.csv", 200, 250, 200, 109, 47, 153, "1823", "1222",
     "1684", "1823", "1505", "1895", "hr.csv:6, hr.csv:117"},
};

class EntraSampleTest : public ::testing::TestWithParam<EntraSample> {};

// The README's step 1 to 4 on the sample: the export copied into the folder unchanged, the
// config with the sample's key column, the mapping for its columns, the README's commands in
// order (explain on a key of the sample).
TEST_P(EntraSampleTest, TheReadmesCsvPathTakesMicrosoftsSampleAsPublished) {
    const auto& sample = GetParam();
    const auto walkthrough = readme_walkthrough();
    ASSERT_EQ(walkthrough.commands.size(), 5U) << "validate, check, plan, explain and sync";
    ScimTestServer server(walkthrough.env.begin()->second);
    TempDir dir;
    std::filesystem::copy_file(k_data / sample.file, dir.path() / "hr.csv");
    auto config = replaced(walkthrough.config, "key_column: employee_id", "key_column: WorkerID");
    config = replaced(config, "min_records: 2 ",
                      "min_records: " + std::to_string(sample.min_records) + " ");
    (void)dir.write("config.yaml",
                    replaced(config, "http://127.0.0.1:8080/scim/v2", server.scim_url()));
    (void)dir.write("mapping.yaml", k_entra_mapping);
    const auto config_path = (dir.path() / "config.yaml").string();

    std::string said;
    for (auto command : walkthrough.commands) {
        command[0] = HR2SCIM_BINARY;
        for (auto& word : command) {
            if (word.ends_with("/config.yaml")) word = config_path;
            if (word == "E1003") word = sample.outsider;
        }
        const auto result = run_process(command, walkthrough.env);
        // Partial (2) where a record or a manager link is rejected, as docs/operations.md says.
        const int expected = command[1] == "check" || command[1] == "explain" ? 0 : 2;
        EXPECT_EQ(result.exit_code, expected) << command[1] << ":\n" << result.out << result.err;
        if (command[1] == "sync") said = result.out + result.err;
    }
    const auto users = server.users();
    EXPECT_EQ(users.size(), sample.users) << "one user per WorkerID that one row holds";
    EXPECT_EQ(server.active_users(), sample.active) << "WorkerStatus Active, as the mapping says";
    EXPECT_EQ(server.user_with_external_id(sample.inactive)["active"], false);
    size_t linked = 0;
    for (const auto& user : users)
        linked += user.contains(k_enterprise) && user[k_enterprise].contains("manager") ? 1 : 0;
    EXPECT_EQ(linked, sample.linked);

    // A manager outside the file is reported; the worker is provisioned, without a manager.
    const auto outsider = server.user_with_external_id(sample.outsider);
    ASSERT_FALSE(outsider.is_null());
    EXPECT_FALSE(outsider[k_enterprise].contains("manager")) << outsider.dump();
    EXPECT_NE(said.find(std::string(sample.outsider) + ": manager " + sample.their_manager +
                        " is not in the source"),
              std::string::npos)
        << said;
    const auto document =
        run_process({HR2SCIM_BINARY, "validate", "-o", "json", "-c", config_path}, walkthrough.env);
    const auto verdict = json::parse(document.out);
    EXPECT_EQ(verdict["unknown_managers"].size(), sample.unknown_managers) << document.out;
    EXPECT_EQ(verdict["rejections"].size(), sample.rows - sample.users) << document.out;

    if (sample.report) {
        const auto manager = server.user_with_external_id(sample.manager);
        EXPECT_EQ(server.user_with_external_id(sample.report)[k_enterprise]["manager"]["value"],
                  manager["id"]);
    }
    if (sample.repeated) {
        EXPECT_TRUE(server.user_with_external_id(sample.repeated).is_null())
            << "a WorkerID two people hold is nobody's for sure";
        EXPECT_NE(said.find("key '" + std::string(sample.repeated) + "' appears more than once (" +
                            sample.repeated_at + ")"),
                  std::string::npos)
            << said;
    }

    server.clear_requests();
    const auto again = run_process({HR2SCIM_BINARY, "sync", "-c", config_path}, walkthrough.env);
    EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
    EXPECT_EQ(server.requests().size(), 0U) << "a second sync sends nothing";
}

std::string name_of(const ::testing::TestParamInfo<EntraSample>& info) {
    return info.index == 0 ? "TwoRecords" : "First250Of1000Records";
}

INSTANTIATE_TEST_SUITE_P(Microsoft, EntraSampleTest, ::testing::ValuesIn(k_samples), name_of);

// The messy variant (messy.csv, derived from the two-record sample): a UTF-8 BOM and CRLF line
// ends as Excel writes them, the second person Microsoft's own 1000-record sample gives
// WorkerID 1513, a manager outside the file, inactive workers, UTF-8 names, a quoted comma,
// a free-text pronoun column and custom columns (one named with a space and a #). The mapping
// is the walk-through's with pronouns shown in the display name and the custom columns sent
// to the target's own extension.
class MessyExportTest : public ::testing::Test {
  protected:
    MessyExportTest() {
        std::string mapping =
            replaced(k_entra_mapping, "  displayName: { column: FullName }\n",
                     "  displayName: '{join(\" \", FullName, iif(Pronouns == \"\", \"\", "
                     "concat(\"(\", Pronouns, \")\")))}'\n");
        mapping += std::string("  ") + k_acme + ":badgeNumber: { column: \"Badge #\" }\n  " +
                   k_acme + ":building: { column: Custom02 }\n";
        (void)dir.write("mapping.yaml", mapping);
        (void)dir.write("config.yaml", "source:\n  type: csv\n  path: hr.csv\n  key_column: "
                                       "WorkerID\n  min_records: 2\nmapping: mapping.yaml\n"
                                       "target:\n  name: crm\n  url: " +
                                           server.scim_url() +
                                           "\n  token_env: CRM_SCIM_TOKEN\nstate: state.db\n");
    }

    ProcessResult sync() {
        return run_process({HR2SCIM_BINARY, "sync", "-c", (dir.path() / "config.yaml").string()},
                           {{"CRM_SCIM_TOKEN", server.token()}});
    }

    json user(const char* key) { return server.user_with_external_id(key); }

    ScimTestServer server;
    TempDir dir;
};

TEST_F(MessyExportTest, EachMessOfARealExportHasItsExactOutcome) {
    const auto messy = read_file(k_data / "messy.csv");
    ASSERT_TRUE(messy.starts_with("\xEF\xBB\xBFWorkerID,")) << "the BOM Excel writes";
    // Day 1: the export before the second 1513 was added to it.
    const auto second = messy.find("1513,Active,Employee,EMP1513,Chandra");
    ASSERT_NE(second, std::string::npos);
    (void)dir.write("hr.csv",
                    std::string(messy).erase(second, messy.find('\n', second) + 1 - second));
    auto day1 = sync();
    EXPECT_EQ(day1.exit_code, 2) << "partial: a manager outside the file\n" << day1.out << day1.err;
    EXPECT_EQ(server.users().size(), 5U);
    EXPECT_EQ(user("1222")["active"], false) << "Inactive in the export";
    EXPECT_EQ(user("2003")["active"], false) << "Inactive in the export";
    const auto zoe = user("2001");
    EXPECT_EQ(zoe["name"]["givenName"], "Zoë");
    EXPECT_EQ(zoe["name"]["familyName"], "Ångström-Núñez");
    EXPECT_EQ(zoe["displayName"], "Zoë Ångström-Núñez (they/them)");
    EXPECT_EQ(zoe["addresses"][0]["locality"], "Malmö");
    EXPECT_EQ(zoe[k_acme]["badgeNumber"], "B-2001");
    EXPECT_EQ(zoe[k_acme]["building"], "BTK39");
    EXPECT_EQ(zoe[k_enterprise]["manager"]["value"], user("1513")["id"]);
    EXPECT_EQ(user("2003")[k_enterprise]["manager"]["value"], zoe["id"]);
    const auto siobhan = user("2002");
    EXPECT_EQ(siobhan["displayName"], "Siobhán Ó Briain") << "no pronouns given, none shown";
    EXPECT_EQ(siobhan["title"], "Director, Sales");
    EXPECT_FALSE(siobhan.contains(k_acme)) << "empty custom columns send nothing";
    EXPECT_FALSE(siobhan[k_enterprise].contains("manager"));
    EXPECT_NE(day1.out.find("hr.csv:5: 2002: manager 3141 is not in the source"), std::string::npos)
        << day1.out;
    const auto ginnie = user("1513");
    EXPECT_EQ(ginnie["active"], true);
    EXPECT_EQ(ginnie["displayName"], "Ginnie Fadiman (he/him)");

    // Day 2: a second person with WorkerID 1513. Neither row is 1513 for sure: both are rejected
    // with the key and the lines, and Ginnie's account is left exactly as it was.
    (void)dir.write("hr.csv", messy);
    server.clear_requests();
    auto day2 = sync();
    EXPECT_EQ(day2.exit_code, 2) << day2.out << day2.err;
    for (const char* line : {"hr.csv:3", "hr.csv:4"})
        EXPECT_NE(day2.out.find(std::string(line) +
                                ": key '1513' appears more than once (hr.csv:3, hr.csv:4)"),
                  std::string::npos)
            << day2.out;
    EXPECT_EQ(server.requests().size(), 0U) << "nobody deactivated, changed or created";
    EXPECT_EQ(user("1513"), ginnie);
    EXPECT_EQ(user("2001")[k_enterprise]["manager"]["value"], ginnie["id"])
        << "her reports keep their manager";
    EXPECT_EQ(server.active_users(), 3U);
}

} // namespace
} // namespace hr2scim::testing
