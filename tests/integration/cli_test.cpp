// The command line as an admin meets it: help, version, validate, and clear errors.

#include "tests/integration/sync_fixture.hpp"
#include "tests/support/documentation.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

ProcessResult run_hr2scim(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {HR2SCIM_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run_process(argv);
}

TEST(Cli, PrintsItsVersionAndHelpForEveryCommand) {
    auto version = run_hr2scim({"--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.out.rfind("hr2scim 0.", 0), 0U) << version.out;
    for (const char* command : {"validate", "plan", "sync"}) {
        auto help = run_hr2scim({command, "--help"});
        EXPECT_EQ(help.exit_code, 0) << command;
        EXPECT_NE(help.out.find("--config"), std::string::npos) << command << ": " << help.out;
    }
    auto top = run_hr2scim({"--help"});
    EXPECT_EQ(top.exit_code, 0);
    EXPECT_NE(top.out.find("validate"), std::string::npos);
}

// The documented table of options (docs/operations.md, "Running hr2scim"; read on whichever page
// holds it) against the binary: every option it documents for a command is in that command's
// --help (CLI11 lists what it parses, so the command takes it), those of "all" in every
// command's. A row added to the table without the option, or an option dropped from a
// command, fails here.
TEST(Cli, EveryOptionTheReadmeDocumentsIsInItsCommandsHelp) {
    const std::vector<std::string> every = {"validate", "check", "plan",   "sync",    "explain",
                                            "apply",    "run",   "status", "history", "completion"};
    std::map<std::string, std::string> helps;
    auto help_of = [&](const std::string& command) -> const std::string& {
        if (!helps.contains(command)) {
            auto help = run_hr2scim({command, "--help"});
            EXPECT_EQ(help.exit_code, 0) << command << help.err;
            helps[command] = help.out;
        }
        return helps[command];
    };
    std::string text;
    for (const auto& page : documentation_pages())
        if (page.text.find("\n| option | commands | meaning |\n") != std::string::npos) {
            EXPECT_TRUE(text.empty()) << "a second table of options: " << page.path;
            text = page.text;
        }
    std::istringstream table(text);
    std::string line;
    while (std::getline(table, line) && line != "| option | commands | meaning |") {
    }
    size_t checked = 0;
    while (std::getline(table, line) && line.starts_with("|")) {
        if (line.starts_with("|---")) continue;
        const size_t second = line.find(" | ");
        const size_t third = line.find(" | ", second + 3);
        ASSERT_NE(third, std::string::npos) << line;
        const std::string options = line.substr(1, second);
        const std::string commands = line.substr(second + 3, third - second - 3);
        std::vector<std::string> names;
        for (size_t at = options.find('-'); at != std::string::npos;
             at = options.find('-', at + 1)) {
            if (at > 0 && options[at - 1] != '`' && options[at - 1] != ' ') continue;
            size_t end = at;
            while (end < options.size() &&
                   (std::isalnum(static_cast<unsigned char>(options[end])) || options[end] == '-'))
                ++end;
            names.push_back(options.substr(at, end - at));
            at = end;
        }
        ASSERT_FALSE(names.empty()) << line;
        std::vector<std::string> for_commands;
        if (commands == "all") {
            for_commands = every;
        } else {
            std::istringstream list(commands);
            for (std::string command; std::getline(list >> std::ws, command, ',');)
                for_commands.push_back(command);
        }
        for (const auto& name : names) {
            if (name == "--version") { // the program's, not a command's
                EXPECT_NE(run_hr2scim({"--help"}).out.find("--version"), std::string::npos);
                continue;
            }
            for (const auto& command : for_commands) {
                ASSERT_NE(std::ranges::find(every, command), every.end()) << line;
                EXPECT_NE(help_of(command).find(name), std::string::npos)
                    << "the table documents " << name << " for " << command << "; its --help:\n"
                    << help_of(command);
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 40U) << "the table of options was not found or is short";
}

TEST(Cli, UsageErrorsNameTheMistakeAndExit64) {
    auto none = run_hr2scim({});
    EXPECT_EQ(none.exit_code, 64);
    EXPECT_NE(none.err.find("a command is required (validate, check, plan, sync, explain, apply, "
                            "run, status, history, completion)"),
              std::string::npos)
        << none.err;
    auto no_config = run_hr2scim({"sync"});
    EXPECT_EQ(no_config.exit_code, 64);
    EXPECT_NE(no_config.err.find("--config is required"), std::string::npos) << no_config.err;
    auto typo = run_hr2scim({"synch", "-c", "x.yaml"});
    EXPECT_EQ(typo.exit_code, 64);
    EXPECT_NE(typo.err.find("unknown command 'synch'; did you mean 'sync'?"), std::string::npos)
        << typo.err;
    auto unknown = run_hr2scim({"-c", "x.yaml", "deploy"});
    EXPECT_EQ(unknown.exit_code, 64);
    EXPECT_NE(unknown.err.find(
                  "unknown command 'deploy' (commands: validate, check, plan, sync, explain, "
                  "apply, run, status, history, completion)"),
              std::string::npos)
        << unknown.err;
    auto option = run_hr2scim({"plan", "-c", "x.yaml", "--max-deletions", "3"});
    EXPECT_EQ(option.exit_code, 64);
    EXPECT_NE(option.err.find("--max-deletions"), std::string::npos) << option.err;
    auto misspelt = run_hr2scim({"plan", "-c", "x.yaml", "--shwo", "3"});
    EXPECT_EQ(misspelt.exit_code, 64);
    EXPECT_NE(misspelt.err.find("--shwo; did you mean '--show'?"), std::string::npos)
        << misspelt.err;
    auto common = run_hr2scim({"status", "-c", "x.yaml", "--tagret", "crm"});
    EXPECT_EQ(common.exit_code, 64);
    EXPECT_NE(common.err.find("did you mean '--target'?"), std::string::npos) << common.err;
    auto quiet_apply = run_hr2scim({"apply", "-q", "plan.json", "-c", "/nonexistent/c.yaml"});
    EXPECT_NE(quiet_apply.exit_code, 64) << "apply takes -q, as documented: " << quiet_apply.err;
}

TEST_F(SyncTest, TheConfigMayComeBeforeOrAfterTheCommand) {
    auto before =
        run_process({HR2SCIM_BINARY, "-c", (dir.path() / "config.yaml").string(), "plan"});
    EXPECT_EQ(before.exit_code, 0) << before.err;
    EXPECT_NE(before.out.find("Plan: 10 to create"), std::string::npos) << before.out;
    auto after =
        run_process({HR2SCIM_BINARY, "plan", "--config", (dir.path() / "config.yaml").string()});
    EXPECT_EQ(after.out, before.out);
}

TEST_F(SyncTest, ValidateChecksEverythingAndTouchesNothing) {
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("10 records, 10 mapped"), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_FALSE(std::filesystem::exists(state_file()));
}

TEST_F(SyncTest, ValidateChecksTheTargetsFilesAndTheGuardsAndSaysValidOnlyAtTheEnd) {
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                "  key_column: employee_id\n",
                                                "  key_column: employee_id\n  min_records: 50\n"));
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "  timeout_seconds: 20\n",
                                 "  timeout_seconds: 20\n  ca_file: missing-ca.pem\n"));
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("target.ca_file: cannot read"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("fewer than source.min_records (50)"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("lower source.min_records"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("--allow-shrink"), std::string::npos)
        << "it does not lift min_records: " << result.out;
    EXPECT_EQ(result.out.find(": valid\nSource"), std::string::npos);
    EXPECT_EQ(result.out.find("Valid"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("NOT VALID: 2 problems"), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_FALSE(std::filesystem::exists(state_file()));

    auto sync_result = sync();
    EXPECT_EQ(sync_result.exit_code, 1) << "sync fails the same way";
    EXPECT_EQ(server.requests().size(), 0U);
}

// A state path whose folder is missing is a mistake, not a fresh start: validate, plan and
// sync all stop on it, naming the setting, and create nothing; once the folder is made, plan
// and explain still create nothing, and sync writes a private state.
TEST_F(SyncTest, PlanAndExplainNeverCreateTheStateAndLeaveNothingBehind) {
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                "state: state.db", "state: var/lib/state.db"));
    const std::string missing =
        "the state's folder " + (dir.path() / "var/lib").string() +
        " does not exist (state: " + (dir.path() / "var/lib/state.db").string() +
        "): correct `state:` in the config, or create the folder";
    for (const char* command : {"validate", "plan", "sync"}) {
        auto result = hr2scim({command}, server.token());
        EXPECT_EQ(result.exit_code, 1) << command << result.out << result.err;
        EXPECT_NE((result.out + result.err).find(missing), std::string::npos)
            << command << ": " << result.out << result.err;
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "var")) << "nothing creates the folder";
    EXPECT_EQ(server.requests().size(), 0U);

    std::filesystem::create_directories(dir.path() / "var/lib");
    auto plan_result = plan();
    EXPECT_EQ(plan_result.exit_code, 0) << plan_result.err;
    EXPECT_NE(plan_result.out.find("Plan: 10 to create"), std::string::npos) << plan_result.out;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "var/lib")) << "plan creates no file";
    EXPECT_EQ(hr2scim({"explain", "E1001"}, server.token()).exit_code, 0);
    EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "var/lib"));

    ASSERT_EQ(sync().exit_code, 0);
    struct stat info {};
    ASSERT_EQ(::stat((dir.path() / "var/lib/state.db").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U) << "the state is private";
    auto listing = [&] {
        std::set<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "var/lib"))
            names.insert(entry.path().filename().string());
        return names;
    };
    const auto after_sync = listing();
    EXPECT_FALSE(after_sync.contains("state.db-wal")) << "sync closes the state cleanly";
    EXPECT_EQ(plan().exit_code, 0);
    auto unknown = hr2scim({"explain", "E9999"}, server.token());
    EXPECT_EQ(unknown.exit_code, 1) << unknown.out;
    EXPECT_NE(unknown.out.find("nobody has that key"), std::string::npos) << unknown.out;
    EXPECT_EQ(listing(), after_sync) << "no -wal or -shm left by plan or explain";
}

TEST_F(SyncTest, PlanWaitsForNoSyncButRefusesToReadAStateBeingRewritten) {
    ASSERT_EQ(sync().exit_code, 0);
    int fd = ::open((dir.path() / "state.db.lock").c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0); // as a running sync holds it
    auto result = plan();
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("a sync is running"), std::string::npos) << result.err;
    ::close(fd);
    EXPECT_EQ(plan().exit_code, 0);
}

TEST_F(SyncTest, ALongPlanIsSummarisedUnlessAskedForInFull) {
    auto shortened = hr2scim({"plan", "--show", "3"}, server.token());
    EXPECT_EQ(shortened.exit_code, 0);
    EXPECT_NE(shortened.out.find("... and 7 more operations"), std::string::npos) << shortened.out;
    EXPECT_NE(shortened.out.find("Plan: 10 to create"), std::string::npos);
    EXPECT_EQ(shortened.out.find("E1004"), std::string::npos) << shortened.out;
    auto full = hr2scim({"plan", "--show", "3", "--show-all"}, server.token());
    EXPECT_NE(full.out.find("E1010"), std::string::npos);
    EXPECT_EQ(full.out.find("more operations"), std::string::npos);
}

TEST_F(SyncTest, ValidateNamesTheBrokenLineOfAMapping) {
    (void)dir.write("mapping.yaml",
                    "attributes:\n  userName: '{lower(email)}'\n  title: '{upper(job_title}'\n");
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"),
                                 std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                                 "mapping.yaml"));
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("mapping.yaml:3:27: expected `,` or `)` in the call to upper"),
              std::string::npos)
        << result.err;
}

TEST_F(SyncTest, ValidateReportsRejectedRowsWithTheirLines) {
    write_csv(example_csv() + "E2000,Bad,Row\n");
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("hr.csv:12: has 3 fields, the header has 9"), std::string::npos)
        << result.out;
}

// A file with people provisioned, held, in groups (one group under two names), repeated keys
// (one also rejected by the mapping), keys that are one identity and unknown managers.
class MixedFileTest : public SyncTest {
  protected:
    MixedFileTest() {
        (void)dir.write("mapping.yaml",
                        read_file(std::string(HR2SCIM_SOURCE_DIR) + "/bench/scale_mapping.yaml") +
                            R"(scope:
  exclude: 'department == "Research"'
  out_of_scope: leave
groups:
  departments:
    for_each: "{department}"
    display_name: "Dept - {each}"
    external_id: "dept-{lower(each)}"
  everyone:
    display_name: All employees
)");
        use_mapping("mapping.yaml");
        write_csv("employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,"
                  "manager_id\n"
                  "E1,Ada,One,a1@example.com,T,Eng,CC,+1 1,\n"
                  "E2,Bob,Two,b2@example.com,T,Eng,CC,,E1\n"
                  "E3,Cy,Three,c3@example.com,T,Research,CC,,E1\n"
                  "E2,Bob,Again,b2b@example.com,T,Eng,CC,,E1\n"
                  "e4,Di,Four,d4@example.com,T,Eng,CC,,E1\n"
                  "\"E4 \",Di,Four,d4b@example.com,T,Eng,CC,,E1\n"
                  "E5,Ed,Five,e5@example.com,T,ENG,CC,,E99\n"
                  "E6,Bad,Row\n"
                  "E7,Flo,Seven,f7@example.com,T,Sales,CC,,e5\n"
                  "E8,Gus,Eight,,T,Sales,CC,,E6\n"
                  "E1,Ann,Dup,,T,Eng,CC,,\n"
                  "E9,Hal,Nine,h9@example.com,T,SALES,CC,,e5\n");
    }

    // What validate prints, with the test's folder and target as DIR and URL.
    std::string validated() {
        auto result = hr2scim({"validate"}, server.token());
        EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
        std::string out = result.out;
        for (const auto& [from, to] : {std::pair(dir.path().string(), std::string("DIR")),
                                       std::pair(server.scim_url(), std::string("URL"))})
            for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at))
                out.replace(at, from.size(), to);
        return out;
    }
};

// What validate prints of it, to the byte: it must not change when validate keeps less of
// each person.
TEST_F(MixedFileTest, ValidateCountsAndRejectsExactlyAsBefore) {
    // Captured from validate when it kept every mapped person (commit 67a9dc9).
    EXPECT_EQ(validated(),
              "Config  DIR/config.yaml: valid\n"
              "Mapping DIR/mapping.yaml: valid (13 rules)\n"
              "Target  \"test\" URL: secret and files readable (not contacted)\n"
              "State   DIR/state.db: not created yet (sync creates it)\n"
              "Source  csv:DIR/hr.csv: 11 records, 4 mapped\n"
              "Groups  3 groups from 2 rules, 6 memberships.\n"
              "  ! group \"dept-sales\" is \"Dept - Sales\" for E7 but \"Dept - SALES\" for E9 "
              "(rule departments); the first is kept\n"
              "\n"
              "Rejected 8 records (their users are left as they are):\n"
              "  ! hr.csv:9: has 3 fields, the header has 9\n"
              "  ! hr.csv:11: userName is empty\n"
              "  ! hr.csv:2: key 'E1' appears more than once (hr.csv:2, hr.csv:12)\n"
              "  ! hr.csv:12: key 'E1' appears more than once (hr.csv:2, hr.csv:12)\n"
              "  ! hr.csv:3: key 'E2' appears more than once (hr.csv:3, hr.csv:5)\n"
              "  ! hr.csv:5: key 'E2' appears more than once (hr.csv:3, hr.csv:5)\n"
              "  ! hr.csv:6: keys e4 (hr.csv:6), E4  (hr.csv:7) are one key (compared ignoring "
              "case and surrounding spaces; source.case_sensitive_keys says otherwise)\n"
              "  ! hr.csv:7: keys e4 (hr.csv:6), E4  (hr.csv:7) are one key (compared ignoring "
              "case and surrounding spaces; source.case_sensitive_keys says otherwise)\n"
              "\n"
              "Rejected manager links (the manager the target holds is kept):\n"
              "  ! hr.csv:4: E3: manager E1 is not in the source (no record has that key, or its "
              "record was rejected)\n"
              "  ! hr.csv:8: E5: manager E99 is not in the source (no record has that key, or its "
              "record was rejected)\n"
              "Target attributes: not known yet (sync asks the target before its first write)\n"
              "\n"
              "Valid, with the records above rejected: sync would leave them alone.\n");
    EXPECT_EQ(server.requests().size(), 0U);
}

// With a joined source the file is read whole and mapped record by record: the same again.
TEST_F(MixedFileTest, ValidateWithAJoinedSourceRejectsExactlyAsBefore) {
    (void)dir.write("directory.csv",
                    "mail,phone\na1@example.com,111\nb2@example.com,222\nh9@example.com,999\n");
    write_config("join:\n"
                 "  - name: directory\n"
                 "    on: email\n"
                 "    match: mail\n"
                 "    source: { type: csv, path: directory.csv, key_column: mail }\n");
    use_mapping("mapping.yaml");
    // Captured from validate when it kept every mapped person (commit 67a9dc9).
    EXPECT_EQ(validated(),
              "Config  DIR/config.yaml: valid\n"
              "Mapping DIR/mapping.yaml: valid (13 rules)\n"
              "Target  \"test\" URL: secret and files readable (not contacted)\n"
              "State   DIR/state.db: not created yet (sync creates it)\n"
              "Source  csv:DIR/hr.csv: 7 records, 4 mapped\n"
              "Groups  3 groups from 2 rules, 6 memberships.\n"
              "  ! group \"dept-sales\" is \"Dept - Sales\" for E7 but \"Dept - SALES\" for E9 "
              "(rule departments); the first is kept\n"
              "\n"
              "Rejected 8 records (their users are left as they are):\n"
              "  ! hr.csv:9: has 3 fields, the header has 9\n"
              "  ! hr.csv:2: key 'E1' appears more than once (hr.csv:2, hr.csv:12)\n"
              "  ! hr.csv:3: key 'E2' appears more than once (hr.csv:3, hr.csv:5)\n"
              "  ! hr.csv:5: key 'E2' appears more than once (hr.csv:3, hr.csv:5)\n"
              "  ! hr.csv:12: key 'E1' appears more than once (hr.csv:2, hr.csv:12)\n"
              "  ! hr.csv:11: userName is empty\n"
              "  ! hr.csv:6: keys e4 (hr.csv:6), E4  (hr.csv:7) are one key (compared ignoring "
              "case and surrounding spaces; source.case_sensitive_keys says otherwise)\n"
              "  ! hr.csv:7: keys e4 (hr.csv:6), E4  (hr.csv:7) are one key (compared ignoring "
              "case and surrounding spaces; source.case_sensitive_keys says otherwise)\n"
              "\n"
              "Rejected manager links (the manager the target holds is kept):\n"
              "  ! hr.csv:4: E3: manager E1 is not in the source (no record has that key, or its "
              "record was rejected)\n"
              "  ! hr.csv:8: E5: manager E99 is not in the source (no record has that key, or its "
              "record was rejected)\n"
              "Target attributes: not known yet (sync asks the target before its first write)\n"
              "\n"
              "Valid, with the records above rejected: sync would leave them alone.\n");
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

TEST_F(SyncTest, ExplainShowsOnePersonEndToEndAndWritesNothing) {
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(without_line(replace_once(example_csv(), "Rear Admiral", "Commodore"), "E1004,"));
    server.clear_requests();
    auto state_before = read_file(state_file());

    auto result = hr2scim({"explain", "E1003"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("Record E1003 from hr.csv:4"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("  job_title = \"Commodore\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("  title = \"Commodore\"    from column job_title"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("\"userName\": \"grace.hopper@example.com\""), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("~ update     E1003"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("title: \"Rear Admiral\" -> \"Commodore\""), std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("E1004"), std::string::npos) << "only the one person";

    auto gone = hr2scim({"explain", "E1004"}, server.token());
    EXPECT_NE(gone.out.find("The source has no record with the key E1004."), std::string::npos)
        << gone.out;
    EXPECT_NE(gone.out.find("absent from 1 complete read(s) so far; sync would not deactivate it "
                            "yet (deactivated next run if still absent)"),
              std::string::npos)
        << gone.out;

    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_EQ(read_file(state_file()), state_before) << "explain writes nothing";

    ASSERT_EQ(sync().exit_code, 0); // E1004 absent once
    gone = hr2scim({"explain", "E1004"}, server.token());
    EXPECT_NE(gone.out.find("sync would deactivate it, subject to the safety gates"),
              std::string::npos)
        << gone.out;
}

} // namespace
} // namespace hr2scim::testing
