// The README's first sync from your own CSV, run as written: the section's export, config and
// mapping are written to a folder, and its commands run in order, with its token, against the
// bundled SCIM server (the config's URL pointed at the server's port, as the README's note on
// trying it locally does). What the README says then holds: every command succeeds, three users
// are created, and a second sync sends nothing.
#include "tests/support/child_process.hpp"
#include "tests/support/documentation.hpp"
#include "tests/support/scim_test_server.hpp"

#include <gtest/gtest.h>
#include <map>
#include <sstream>

namespace hr2scim::testing {
namespace {

// A shell line's words, up to its comment.
std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line.substr(0, line.find(" #")));
    std::vector<std::string> found;
    for (std::string word; in >> word;)
        found.push_back(word);
    return found;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "no " << from << " in:\n" << text;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(Readme, AFirstSyncFromYourOwnCsvRunsAsWritten) {
    const auto section = documentation_section("A first sync from your own CSV");
    ASSERT_TRUE(section) << "no page, or more than one, has the section";
    const auto csv = fenced_blocks(section->text, "csv");
    const auto yaml = fenced_blocks(section->text, "yaml");
    const auto sh = fenced_blocks(section->text, "sh");
    ASSERT_EQ(csv.size(), 1U) << "the export";
    ASSERT_EQ(yaml.size(), 2U) << "the config and the mapping";
    ASSERT_EQ(sh.size(), 1U) << "the commands";

    TempDir dir;
    const auto config = dir.path() / "config.yaml";
    std::map<std::string, std::string> env;
    std::vector<std::vector<std::string>> commands;
    std::istringstream lines(sh[0]);
    for (std::string line; std::getline(lines, line);) {
        auto command = words(line);
        if (command.empty()) continue;
        if (command[0] == "export" && command.size() == 2 &&
            command[1].find('=') != std::string::npos) {
            const auto equals = command[1].find('=');
            env[command[1].substr(0, equals)] = command[1].substr(equals + 1);
        } else if (command[0] == "build/agent/hr2scim") {
            command[0] = HR2SCIM_BINARY;
            for (auto& word : command)
                if (word.ends_with("/config.yaml")) word = config.string();
            commands.push_back(command);
        } else {
            ADD_FAILURE() << "a line this test does not know how to run: " << line;
        }
    }
    ASSERT_EQ(env.size(), 1U) << "the token's variable";
    ASSERT_EQ(commands.size(), 5U) << "validate, check, plan, explain and sync";
    EXPECT_EQ(commands.back()[1], "sync");

    // The server takes the token the section exports, as its note on trying it locally says.
    ScimTestServer server(env.begin()->second);
    (void)dir.write("hr.csv", csv[0]);
    (void)dir.write("config.yaml",
                    replaced(yaml[0], "http://127.0.0.1:8080/scim/v2", server.scim_url()));
    (void)dir.write("mapping.yaml", yaml[1]);
    EXPECT_NE(yaml[0].find("token_env: " + env.begin()->first), std::string::npos)
        << "the config reads the token from the variable the commands export";

    for (const auto& command : commands) {
        const auto result = run_process(command, env);
        EXPECT_EQ(result.exit_code, 0) << command[1] << ":\n" << result.out << result.err;
        if (command[1] == "validate") {
            EXPECT_NE(result.out.find("Valid"), std::string::npos) << result.out;
        }
        if (command[1] == "check") {
            EXPECT_NE(result.out.find("Check passed"), std::string::npos) << result.out;
        }
    }
    EXPECT_EQ(server.active_users(), 3U) << "the first sync creates the three users";
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Rear Admiral");

    server.clear_requests();
    const auto again = run_process({HR2SCIM_BINARY, "sync", "-c", config.string()}, env);
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(server.requests().size(), 0U) << "a second sync sends nothing";
}

} // namespace
} // namespace hr2scim::testing
