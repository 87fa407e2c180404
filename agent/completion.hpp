#pragma once
// `hr2scim completion bash|zsh|fish`: a shell's completion script, made from the program's own
// command line (CLI11's App) when asked, so that it offers what this version takes: the
// commands, each one's options and the options every command takes, the values of an option
// that takes one of a few (--log-format text|json|journal), and file names where a FILE goes.

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace hr2scim::agent {

struct CompletedOption {
    std::vector<std::string> names; // "-c", "--config"; a positional's one name, "file"
    std::string description;
    bool takes_value = false;
    bool repeatable = false;
    bool file = false;               // its value is a file name (type FILE)
    std::vector<std::string> values; // the only values it takes, when it names them
};

struct CompletedCommand {
    std::string name;
    std::string description;
    std::vector<CompletedOption> options;     // its own, -h,--help included
    std::vector<CompletedOption> positionals; // in order
};

struct CompletedProgram {
    std::string name = "hr2scim";
    std::vector<CompletedOption> common;   // taken before or after any command
    std::vector<CompletedOption> top_only; // --help, --version: the program's, before a command
    std::vector<CompletedCommand> commands;
};

[[nodiscard]] CompletedProgram completion_model(const CLI::App& app);
// `shell`: bash, zsh or fish (the command line checked it).
[[nodiscard]] std::string completion_script(const CLI::App& app, std::string_view shell);

// Each shell's script (completion_bash.cpp, completion_zsh.cpp, completion_fish.cpp).
[[nodiscard]] std::string bash_completion(const CompletedProgram& program);
[[nodiscard]] std::string zsh_completion(const CompletedProgram& program);
[[nodiscard]] std::string fish_completion(const CompletedProgram& program);

} // namespace hr2scim::agent
