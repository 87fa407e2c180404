#include "agent/completion.hpp"

#include <CLI/CLI.hpp>

namespace hr2scim::agent {
namespace {

// "TEXT:{text,json,journal}" (an IsMember check) gives text, json, journal.
std::vector<std::string> enumerated_values(const std::string& type_name) {
    std::vector<std::string> values;
    const auto open = type_name.find(":{");
    const auto close = type_name.find('}', open);
    if (open == std::string::npos || close == std::string::npos) return values;
    const std::string list = type_name.substr(open + 2, close - open - 2);
    for (size_t start = 0; start <= list.size();) {
        const auto comma = std::min(list.find(',', start), list.size());
        if (comma > start) values.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return values;
}

CompletedOption completed(const CLI::Option& option) {
    CompletedOption completed;
    for (const auto& name : option.get_snames())
        completed.names.push_back("-" + name);
    for (const auto& name : option.get_lnames())
        completed.names.push_back("--" + name);
    if (completed.names.empty()) completed.names.push_back(option.get_name(true, false));
    completed.description = option.get_description();
    // A flag takes no item; an option takes one each time it is given.
    completed.takes_value = option.get_items_expected_max() > 0;
    completed.repeatable = option.get_expected_max() > 1;
    const auto type_name = option.get_type_name();
    completed.file = type_name.starts_with("FILE");
    completed.values = enumerated_values(type_name);
    return completed;
}

bool is_help_or_version(const CLI::Option& option) {
    const auto& names = option.get_lnames();
    return std::ranges::find(names, "help") != names.end() ||
           std::ranges::find(names, "version") != names.end();
}

} // namespace

CompletedProgram completion_model(const CLI::App& app) {
    CompletedProgram program;
    for (const auto* option : app.get_options())
        (is_help_or_version(*option) ? program.top_only : program.common)
            .push_back(completed(*option));
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name().empty()) continue; // an option group, not a command
        CompletedCommand command{sub->get_name(), sub->get_description(), {}, {}};
        for (const auto* option : sub->get_options())
            (option->nonpositional() ? command.options : command.positionals)
                .push_back(completed(*option));
        program.commands.push_back(std::move(command));
    }
    return program;
}

std::string completion_script(const CLI::App& app, std::string_view shell) {
    const auto program = completion_model(app);
    if (shell == "zsh") return zsh_completion(program);
    if (shell == "fish") return fish_completion(program);
    return bash_completion(program);
}

} // namespace hr2scim::agent
