// The zsh completion script (`hr2scim completion zsh`): _arguments specs for the options every
// command takes and for each command's own, and _describe for the commands.

#include "agent/completion.hpp"

namespace hr2scim::agent {
namespace {

// Inside '…' in the script.
std::string quoted(std::string_view text) {
    std::string out;
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out;
}

// Inside [ ] of an _arguments spec.
std::string bracketed(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '[' || c == ']' || c == '\\') out += '\\';
        out += c;
    }
    return quoted(out);
}

// What completes an option's value or an argument: the values, file names, or nothing.
std::string action(const CompletedOption& option) {
    if (!option.values.empty()) {
        std::string values;
        for (const auto& value : option.values)
            values += (values.empty() ? "" : " ") + value;
        return "(" + values + ")";
    }
    return option.file ? "_files" : " ";
}

// One spec per name: "(-c --config)-c+[the config file (YAML)]:file:_files".
std::vector<std::string> specs(const CompletedOption& option) {
    std::string excluded;
    if (option.names.size() > 1 && !option.repeatable) {
        for (const auto& name : option.names)
            excluded += (excluded.empty() ? "(" : " ") + name;
        excluded += ")";
    }
    std::vector<std::string> made;
    for (const auto& name : option.names) {
        std::string spec = (option.repeatable ? "*" : "") + excluded + name;
        if (option.takes_value) spec += name.starts_with("--") ? "=" : "+";
        spec += "[" + bracketed(option.description) + "]";
        if (option.takes_value)
            spec += std::string(option.file ? ":file:" : ":value:") + action(option);
        made.push_back("'" + spec + "'");
    }
    return made;
}

std::string spec_lines(const std::vector<CompletedOption>& options, const std::string& indent) {
    std::string lines;
    for (const auto& option : options)
        for (const auto& spec : specs(option))
            lines += indent + spec + " \\\n";
    return lines;
}

} // namespace

std::string zsh_completion(const CompletedProgram& program) {
    const auto& name = program.name;
    std::string script = "#compdef " + name + "\n# zsh completion for " + name + ", written by `" +
                         name +
                         " completion zsh` from its command line.\n"
                         "# The package installs it as /usr/share/zsh/vendor-completions/_" +
                         name + "; or: source <(" + name + " completion zsh)\n\n";
    script += "_" + name +
              "() {\n"
              "    local curcontext=$curcontext state state_descr line ret=1\n"
              "    typeset -A opt_args\n"
              "    local -a common commands\n"
              "    common=(\n";
    for (const auto& option : program.common)
        for (const auto& spec : specs(option))
            script += "        " + spec + "\n";
    script += "    )\n    commands=(\n";
    for (const auto& command : program.commands)
        script += "        '" + quoted(command.name) + ":" + quoted(command.description) + "'\n";
    script += "    )\n"
              "    _arguments -C -s : $common \\\n" +
              spec_lines(program.top_only, "        ") +
              "        '1: :->command' \\\n"
              "        '*:: :->argument' && ret=0\n"
              "    case $state in\n"
              "    (command)\n"
              "        _describe -t commands '" +
              name +
              " command' commands && ret=0\n"
              "        ;;\n"
              "    (argument)\n"
              "        curcontext=${curcontext%:*:*}:" +
              name +
              "-$words[1]:\n"
              "        case $words[1] in\n";
    for (const auto& command : program.commands) {
        script += "        (" + command.name + ")\n            _arguments -s : $common \\\n" +
                  spec_lines(command.options, "                ");
        for (size_t i = 0; i < command.positionals.size(); ++i) {
            const auto& positional = command.positionals[i];
            script += "                '" + std::to_string(i + 1) + ":" +
                      quoted(positional.names.front()) + ":" + action(positional) + "' \\\n";
        }
        script += "                && ret=0\n            ;;\n";
    }
    script += "        esac\n"
              "        ;;\n"
              "    esac\n"
              "    return ret\n"
              "}\n\n"
              "# Autoloaded from the fpath, it completes; sourced, it registers itself.\n"
              "if [[ $funcstack[1] == _" +
              name + " ]]; then\n    _" + name + " \"$@\"\nelse\n    compdef _" + name + " " +
              name + "\nfi\n";
    return script;
}

} // namespace hr2scim::agent
