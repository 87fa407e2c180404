// Colour: the plan's listing and summary, and sync's summary, coloured on a terminal unless
// NO_COLOR is set, or as --color=always|never says whatever the environment; the text is the
// same once the escape sequences are taken out, and JSON is never coloured.

#include "tests/integration/sync_fixture.hpp"

#include <cerrno>
#include <gtest/gtest.h>
#include <pty.h>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

std::string without_escapes(const std::string& text) {
    static const std::regex k_escape("\033\\[[0-9;]*m");
    return std::regex_replace(text, k_escape, "");
}

bool has_escapes(const std::string& text) {
    return text.find("\033[") != std::string::npos;
}

class ColourTest : public SyncTest {
  protected:
    // hr2scim ARGUMENTS -c config.yaml on a terminal (a pseudo-terminal's slave is its
    // standard output), with NO_COLOR unset unless `no_color` gives it; what it wrote.
    std::string on_a_terminal(const std::vector<std::string>& arguments,
                              const std::optional<std::string>& no_color) {
        std::vector<std::string> words = {HR2SCIM_BINARY};
        words.insert(words.end(), arguments.begin(), arguments.end());
        words.push_back("-c");
        words.push_back((dir.path() / "config.yaml").string());
        std::vector<char*> argv;
        for (auto& word : words)
            argv.push_back(word.data());
        argv.push_back(nullptr);
        int terminal = -1;
        const pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
        if (pid < 0) {
            ADD_FAILURE() << "forkpty failed";
            return {};
        }
        if (pid == 0) {
            ::unsetenv("NO_COLOR");
            if (no_color) ::setenv("NO_COLOR", no_color->c_str(), 1);
            ::setenv("HR2SCIM_TEST_TOKEN", server.token().c_str(), 1);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        std::string out;
        char buffer[4096];
        for (;;) { // until the child closes the terminal (EIO on Linux)
            const auto got = ::read(terminal, buffer, sizeof buffer);
            if (got > 0) {
                out.append(buffer, static_cast<size_t>(got));
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            break;
        }
        ::close(terminal);
        int status = 0;
        ::waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
        return out;
    }
};

TEST_F(ColourTest, AlwaysColoursTheSameTextAndAPipeGetsNone) {
    auto plain = plan();
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_FALSE(has_escapes(plain.out)) << "auto, and standard output is a pipe";
    auto coloured = hr2scim({"plan", "--color=always"}, server.token());
    ASSERT_EQ(coloured.exit_code, 0) << coloured.err;
    EXPECT_NE(coloured.out.find("\033[32m+ create    \033[0m E1001"), std::string::npos)
        << coloured.out;
    EXPECT_NE(coloured.out.find("Plan: \033[32m10 to create\033[0m, 0 to update"),
              std::string::npos)
        << coloured.out;
    EXPECT_EQ(without_escapes(coloured.out), plain.out);
    EXPECT_EQ(hr2scim({"plan", "--color", "never"}, server.token()).out, plain.out);

    // The flag wins over the environment, as in most tools.
    auto run_process_with = [&](const std::map<std::string, std::string>& env) {
        return run_process({HR2SCIM_BINARY, "plan", "--color=always", "-c",
                            (dir.path() / "config.yaml").string()},
                           env)
            .out;
    };
    EXPECT_TRUE(has_escapes(run_process_with({{"NO_COLOR", "1"}})));

    // JSON is for scripts: never coloured.
    auto json = hr2scim({"plan", "-o", "json", "--color=always"}, server.token());
    EXPECT_FALSE(has_escapes(json.out));
    EXPECT_TRUE(nlohmann::json::accept(json.out)) << json.out;

    // sync's summary: what was done in its colour, counts of nothing plain.
    auto synced = hr2scim({"sync", "--color=always"}, server.token());
    ASSERT_EQ(synced.exit_code, 0) << synced.err;
    EXPECT_NE(synced.out.find("\033[32m10 created\033[0m, 0 updated"), std::string::npos)
        << synced.out;
    write_csv(without_line(example_csv(), "E1004,"));
    ASSERT_EQ(sync().exit_code, 0); // E1004 absent once
    write_csv(without_line(replace_once(example_csv(), "Rear Admiral", "Commodore"), "E1004,"));
    auto second = hr2scim({"plan", "--color=always"}, server.token());
    EXPECT_NE(second.out.find("\033[33m~ update    \033[0m E1003"), std::string::npos)
        << second.out;
    EXPECT_NE(second.out.find("\033[33m1 to update\033[0m, \033[31m1 to deactivate\033[0m"),
              std::string::npos)
        << second.out;
    EXPECT_EQ(without_escapes(second.out), plan().out);
}

TEST_F(ColourTest, AutoColoursATerminalUnlessNoColorIsSetAndNotEmpty) {
    EXPECT_TRUE(has_escapes(on_a_terminal({"plan"}, std::nullopt)));
    EXPECT_TRUE(has_escapes(on_a_terminal({"plan"}, ""))) << "NO_COLOR empty counts as unset";
    EXPECT_FALSE(has_escapes(on_a_terminal({"plan"}, "1")));
    EXPECT_FALSE(has_escapes(on_a_terminal({"plan", "--color=never"}, std::nullopt)));
    EXPECT_TRUE(has_escapes(on_a_terminal({"plan", "--color=always"}, "1")));
}

} // namespace
} // namespace hr2scim::testing
