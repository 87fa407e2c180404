// `hr2scim completion bash|zsh|fish`: the scripts are made from the command line itself, so
// every option of every command's --help is offered (the bash script is run, and completes
// exactly those), values of options that take one of a few, and file names where a FILE
// goes. The zsh and fish scripts parse (zsh -n, fish -n) and the fish one is run.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <set>
#include <sstream>

namespace hr2scim::testing {
namespace {

using Words = std::set<std::string>;

ProcessResult run_hr2scim(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {HR2SCIM_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run_process(argv);
}

Words lines_of(const std::string& text) {
    Words lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.insert(line);
    return lines;
}

// The commands `hr2scim --help` lists.
std::vector<std::string> commands() {
    std::vector<std::string> names;
    std::istringstream help(run_hr2scim({"--help"}).out);
    bool listed = false;
    for (std::string line; std::getline(help, line);) {
        if (line.starts_with("Subcommands:")) listed = true;
        if (listed && line.starts_with("  ") && line[2] != ' ')
            names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
    return names;
}

// The options a --help lists, its own and those every command takes: "  -c,--config FILE ...".
Words options_in_help(const std::string& help) {
    Words names;
    std::istringstream in(help);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("  -")) continue;
        std::istringstream first(line.substr(2, line.find(' ', 2) - 2));
        for (std::string name; std::getline(first, name, ',');)
            names.insert(name);
    }
    return names;
}

bool installed(const std::string& program) {
    return run_process({"/bin/sh", "-c", "command -v " + program}).exit_code == 0;
}

class CompletionTest : public ::testing::Test {
  protected:
    CompletionTest() {
        for (const char* shell : {"bash", "zsh", "fish"}) {
            auto printed = run_hr2scim({"completion", shell});
            EXPECT_EQ(printed.exit_code, 0) << printed.err;
            m_scripts[shell] = dir.write(std::string("hr2scim.") + shell, printed.out);
        }
        (void)dir.write("plan-reviewed.json", "{}");
    }

    // What the bash script offers for the words typed, the last being the one completed.
    Words bash_completes(const std::vector<std::string>& words) {
        std::vector<std::string> argv = {
            "bash", "-c",
            R"(source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hr2scim;
               printf '%s\n' "${COMPREPLY[@]}")",
            "bash", m_scripts["bash"].string()};
        argv.insert(argv.end(), words.begin(), words.end());
        auto result = run_process(argv);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(result.err, "");
        return lines_of(result.out);
    }

    // What fish offers for `line`, without the descriptions.
    Words fish_completes(const std::string& line) {
        auto result =
            run_process({"fish", "--no-config", "-c",
                         "source " + m_scripts["fish"].string() + "; complete -C '" + line + "'"});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        Words offered;
        for (const auto& candidate : lines_of(result.out))
            offered.insert(candidate.substr(0, candidate.find('\t')));
        return offered;
    }

    TempDir dir;
    std::map<std::string, std::filesystem::path> m_scripts;
};

TEST_F(CompletionTest, BashCompletesCommandsOptionsAndTheirValues) {
    EXPECT_EQ(bash_completes({"hr2scim", "sy"}), Words{"sync"});
    EXPECT_EQ(bash_completes({"hr2scim", "s"}), (Words{"sync", "status"}));
    EXPECT_EQ(bash_completes({"hr2scim", "sync", "--rec"}), Words{"--reconcile"});
    EXPECT_EQ(bash_completes({"hr2scim", "plan", "--detailed"}), Words{"--detailed-exitcode"});
    EXPECT_EQ(bash_completes({"hr2scim", "plan", "--rec"}), Words{}) << "sync's, not plan's";
    EXPECT_EQ(bash_completes({"hr2scim", "-c", "x.yaml", "st"}), Words{"status"})
        << "the config's value is not the command";
    EXPECT_EQ(bash_completes({"hr2scim", "--log-format", "j"}), (Words{"json", "journal"}));
    EXPECT_EQ(bash_completes({"hr2scim", "status", "-o", ""}), (Words{"text", "json"}));
    EXPECT_EQ(bash_completes({"hr2scim", "plan", "--color", "=", "al"}), Words{"always"})
        << "'=' breaks words (COMP_WORDBREAKS)";
    EXPECT_EQ(bash_completes({"hr2scim", "plan", "--color=n"}), Words{"--color=never"});
    EXPECT_EQ(bash_completes({"hr2scim", "completion", ""}), (Words{"bash", "zsh", "fish"}));
    EXPECT_EQ(bash_completes({"hr2scim", "explain", ""}), Words{}) << "a key: nothing to offer";
    const auto plan_file = (dir.path() / "plan-rev").string();
    EXPECT_EQ(bash_completes({"hr2scim", "apply", plan_file}), Words{plan_file + "iewed.json"});
    EXPECT_EQ(bash_completes({"hr2scim", "plan", "--out", plan_file}),
              Words{plan_file + "iewed.json"});
}

// The scripts are made from the command line: what each command's --help lists, and only that,
// is what they offer, so they cannot drift from it.
TEST_F(CompletionTest, EveryOptionOfEveryCommandsHelpIsCompleted) {
    const auto names = commands();
    ASSERT_GE(names.size(), 9U);
    EXPECT_EQ(bash_completes({"hr2scim", ""}), Words(names.begin(), names.end()));
    EXPECT_EQ(bash_completes({"hr2scim", "-"}), options_in_help(run_hr2scim({"--help"}).out));
    const auto zsh = read_file(m_scripts["zsh"]);
    const auto fish = read_file(m_scripts["fish"]);
    const bool has_fish = installed("fish");
    for (const auto& command : names) {
        auto help = run_hr2scim({command, "--help"});
        ASSERT_EQ(help.exit_code, 0) << command;
        const auto options = options_in_help(help.out);
        EXPECT_GT(options.size(), 6U) << command << ": " << help.out;
        EXPECT_EQ(bash_completes({"hr2scim", command, "-"}), options) << command;
        EXPECT_NE(zsh.find("(" + command + ")\n"), std::string::npos) << command;
        EXPECT_NE(fish.find(" -a " + command + " "), std::string::npos) << command;
        for (const auto& option : options) {
            const auto bare = option.substr(option.starts_with("--") ? 2 : 1);
            EXPECT_TRUE(zsh.find(option + "[") != std::string::npos ||
                        zsh.find(option + "=[") != std::string::npos ||
                        zsh.find(option + "+[") != std::string::npos)
                << command << " " << option;
            EXPECT_NE(fish.find((option.starts_with("--") ? " -l " : " -s ") + bare + " "),
                      std::string::npos)
                << command << " " << option;
        }
        if (has_fish) {
            EXPECT_EQ(fish_completes("hr2scim " + command + " -"), options) << command;
        }
    }
}

TEST_F(CompletionTest, TheZshAndFishScriptsParseAndFishCompletes) {
    if (!installed("zsh") || !installed("fish"))
        GTEST_SKIP() << "zsh or fish is not installed (scripts/install-deps installs them)";
    auto zsh = run_process({"zsh", "-n", m_scripts["zsh"].string()});
    EXPECT_EQ(zsh.exit_code, 0) << zsh.err;
    auto fish = run_process({"fish", "--no-execute", m_scripts["fish"].string()});
    EXPECT_EQ(fish.exit_code, 0) << fish.err;
    // zsh loads it as compinit would, and it registers itself.
    auto loaded = run_process({"zsh", "-f", "-c",
                               "autoload -U compinit && compinit -u -D && source " +
                                   m_scripts["zsh"].string() + " && print ${_comps[hr2scim]}"});
    EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
    EXPECT_EQ(loaded.out, "_hr2scim\n") << loaded.err;
    EXPECT_EQ(fish_completes("hr2scim sy"), Words{"sync"});
    EXPECT_EQ(fish_completes("hr2scim sync --rec"), Words{"--reconcile"});
    EXPECT_EQ(fish_completes("hr2scim --log-format "), (Words{"text", "json", "journal"}));
    EXPECT_EQ(fish_completes("hr2scim completion "), (Words{"bash", "zsh", "fish"}));
}

TEST(Completion, AShellItCannotCompleteForIsAUsageError) {
    auto result = run_hr2scim({"completion", "tcsh"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_NE(result.err.find("tcsh"), std::string::npos) << result.err;
}

} // namespace
} // namespace hr2scim::testing
