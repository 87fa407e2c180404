// The command line as an admin meets it: help, version, validate, and clear errors.

#include <gtest/gtest.h>

#include "tests/integration/sync_fixture.hpp"

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

TEST(Cli, RefusesMissingCommandsAndOptions) {
    EXPECT_NE(run_hr2scim({}).exit_code, 0);
    auto no_config = run_hr2scim({"sync"});
    EXPECT_NE(no_config.exit_code, 0);
    EXPECT_NE(no_config.err.find("--config is required"), std::string::npos) << no_config.err;
}

TEST_F(SyncTest, ValidateChecksEverythingAndTouchesNothing) {
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("10 records, 10 mapped"), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_FALSE(std::filesystem::exists(state_file()));
}

TEST_F(SyncTest, ValidateNamesTheBrokenLineOfAMapping) {
    (void)dir.write("mapping.yaml", "attributes:\n  userName: '{lower(email)}'\n  title: '{upper(job_title}'\n");
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                                                "mapping.yaml"));
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("mapping.yaml:3:27: expected `,` or `)` in the call to upper"), std::string::npos)
        << result.err;
}

TEST_F(SyncTest, ValidateReportsRejectedRowsWithTheirLines) {
    write_csv(example_csv() + "E2000,Bad,Row\n");
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("hr.csv:12: has 3 fields, the header has 9"), std::string::npos) << result.out;
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
    EXPECT_NE(result.out.find("  title = \"Commodore\"    from column job_title"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\"userName\": \"grace.hopper@example.com\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("~ update     E1003"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("title: \"Rear Admiral\" -> \"Commodore\""), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("E1004"), std::string::npos) << "only the one person";

    auto gone = hr2scim({"explain", "E1004"}, server.token());
    EXPECT_NE(gone.out.find("The source has no record with the key E1004."), std::string::npos) << gone.out;
    EXPECT_NE(gone.out.find("sync would deactivate it"), std::string::npos) << gone.out;

    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_EQ(read_file(state_file()), state_before) << "explain writes nothing";
}

} // namespace
} // namespace hr2scim::testing
