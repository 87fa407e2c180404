// The fish completion script (`hr2scim completion fish`): one `complete` line per command and
// per option, conditioned on the command typed so far.

#include "agent/completion.hpp"

namespace hr2scim::agent {
namespace {

// In '…' in fish.
std::string quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// -s c -l config -r -F -d 'the config file (YAML)'
std::string option_arguments(const CompletedOption& option) {
    std::string text;
    for (const auto& name : option.names)
        text += name.starts_with("--") ? " -l " + name.substr(2) : " -s " + name.substr(1);
    if (option.takes_value) {
        std::string values;
        for (const auto& value : option.values)
            values += (values.empty() ? "" : " ") + value;
        text += !values.empty() ? " -x -a " + quoted(values) : option.file ? " -r -F" : " -x";
    }
    return text + " -d " + quoted(option.description);
}

} // namespace

std::string fish_completion(const CompletedProgram& program) {
    const auto& name = program.name;
    std::string command_names;
    for (const auto& command : program.commands)
        command_names += (command_names.empty() ? "" : " ") + command.name;
    const std::string before_command =
        " -n " + quoted("not __fish_seen_subcommand_from " + command_names);
    std::string script = "# fish completion for " + name + ", written by `" + name +
                         " completion fish` from its command line.\n"
                         "# The package installs it as /usr/share/fish/vendor_completions.d/" +
                         name + ".fish; or: " + name + " completion fish | source\n\n";
    const std::string complete = "complete -c " + name;
    script += complete + " -f # file names only where a FILE goes\n";
    for (const auto& command : program.commands)
        script += complete + before_command + " -a " + command.name + " -d " +
                  quoted(command.description) + "\n";
    script += "\n# Before or after any command\n";
    for (const auto& option : program.common)
        script += complete + option_arguments(option) + "\n";
    for (const auto& option : program.top_only)
        script += complete + before_command + option_arguments(option) + "\n";
    for (const auto& command : program.commands) {
        script += "\n# " + name + " " + command.name + "\n";
        const std::string after_command =
            " -n " + quoted("__fish_seen_subcommand_from " + command.name);
        for (const auto& option : command.options)
            script += complete + after_command + option_arguments(option) + "\n";
        if (command.positionals.empty()) continue;
        const auto& argument = command.positionals.front();
        if (!argument.values.empty()) {
            std::string values;
            for (const auto& value : argument.values)
                values += (values.empty() ? "" : " ") + value;
            script += complete + after_command + " -x -a " + quoted(values) + "\n";
        } else if (argument.file) {
            script += complete + after_command + " -F\n";
        }
    }
    return script;
}

} // namespace hr2scim::agent
