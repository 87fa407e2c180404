// The bash completion script (`hr2scim completion bash`): one function that finds the command
// among the words typed so far, then completes the value of the option before the cursor, an
// option, a command, or the command's argument.

#include "agent/completion.hpp"

#include <set>

namespace hr2scim::agent {
namespace {

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
    std::string text;
    for (const auto& word : words)
        text += (text.empty() ? "" : std::string(separator)) + word;
    return text;
}

std::vector<std::string> names_of(const std::vector<CompletedOption>& options) {
    std::vector<std::string> names;
    for (const auto& option : options)
        names.insert(names.end(), option.names.begin(), option.names.end());
    return names;
}

// The words that complete a value or an argument: a few named values, file names, or nothing.
std::string value_completion(const CompletedOption& option, std::string_view prefix) {
    const std::string with_prefix =
        prefix.empty() ? std::string() : " -P \"" + std::string(prefix) + "\"";
    if (!option.values.empty())
        return "mapfile -t COMPREPLY < <(compgen" + with_prefix + " -W \"" +
               joined(option.values, " ") + "\" -- \"$cur\")";
    if (option.file)
        return "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen" + with_prefix +
               " -f -- \"$cur\")";
    return "COMPREPLY=()";
}

// Every option that takes a value, once, whichever command it belongs to: the same name means
// the same option everywhere.
std::vector<const CompletedOption*> options_taking_values(const CompletedProgram& program) {
    std::vector<const CompletedOption*> options;
    std::set<std::string> seen;
    auto add = [&](const std::vector<CompletedOption>& from) {
        for (const auto& option : from)
            if (option.takes_value && seen.insert(option.names.back()).second)
                options.push_back(&option);
    };
    add(program.common);
    for (const auto& command : program.commands)
        add(command.options);
    return options;
}

} // namespace

std::string bash_completion(const CompletedProgram& program) {
    const auto& name = program.name;
    const auto taking_values = options_taking_values(program);
    std::vector<std::string> value_names, command_names;
    for (const auto* option : taking_values)
        value_names.insert(value_names.end(), option->names.begin(), option->names.end());
    for (const auto& command : program.commands)
        command_names.push_back(command.name);
    const auto common = joined(names_of(program.common), " ");

    std::string script =
        "# bash completion for " + name + ", written by `" + name +
        " completion bash` from its command line:\n"
        "# its commands, their options, and the values of those that take one of a few.\n"
        "# The package installs it as /usr/share/bash-completion/completions/" +
        name + "; or: source <(" + name + " completion bash)\n\n";
    script += "_" + name +
              "() {\n"
              "    local cur=${COMP_WORDS[COMP_CWORD]} prev='' prefix=''\n"
              "    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
              "    # --color=always: one word, or three when '=' breaks words "
              "(COMP_WORDBREAKS).\n"
              "    if [[ $cur == = ]]; then\n"
              "        cur=''\n"
              "    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
              "        prev=${COMP_WORDS[COMP_CWORD - 2]}\n"
              "    elif [[ $cur == --*=* ]]; then\n"
              "        prev=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}\n"
              "    fi\n"
              "    # The command: the first word that is one, past the options' "
              "values.\n"
              "    local command='' i\n"
              "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
              "        case ${COMP_WORDS[i]} in\n"
              "            " +
              joined(value_names, "|") +
              ") ((i++)) ;;\n"
              "            " +
              joined(command_names, "|") +
              ")\n"
              "                command=${COMP_WORDS[i]}\n"
              "                break\n"
              "                ;;\n"
              "        esac\n"
              "    done\n"
              "    case $prev in\n";
    for (const auto* option : taking_values)
        script += "        " + joined(option->names, "|") + ")\n            " +
                  value_completion(*option, "$prefix") + "\n            return\n            ;;\n";
    script += "    esac\n"
              "    if [[ $cur == -* ]]; then\n"
              "        local options\n"
              "        case $command in\n";
    for (const auto& command : program.commands)
        script += "            " + command.name + ") options=\"" +
                  joined(names_of(command.options), " ") + "\" ;;\n";
    script += "            *) options=\"" + joined(names_of(program.top_only), " ") + "\" ;;\n" +
              "        esac\n"
              "        mapfile -t COMPREPLY < <(compgen -W \"$options " +
              common +
              "\" -- \"$cur\")\n"
              "        return\n"
              "    fi\n"
              "    case $command in\n"
              "        '') mapfile -t COMPREPLY < <(compgen -W \"" +
              joined(command_names, " ") + "\" -- \"$cur\") ;;\n";
    for (const auto& command : program.commands)
        if (!command.positionals.empty())
            script += "        " + command.name + ") " +
                      value_completion(command.positionals.front(), "") + " ;;\n";
    script += "    esac\n"
              "}\n"
              "complete -F _" +
              name + " " + name + "\n";
    return script;
}

} // namespace hr2scim::agent
