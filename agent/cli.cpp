#include "agent/cli.hpp"

#include "agent/colour.hpp"
#include "agent/completion.hpp"
#include "agent/config.hpp"
#include "agent/did_you_mean.hpp"
#include "agent/log_sinks.hpp"
#include "agent/redacting_output.hpp"
#include "agent/run.hpp"
#include "agent/service_loop.hpp"
#include "mappings/dates.hpp"
#include "mappings/mapping.hpp"
#include "state/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <iostream>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace hr2scim::agent {
namespace {

constexpr std::array<std::string_view, 10> k_commands = {"validate", "check",     "plan", "sync",
                                                         "explain",  "apply",     "run",  "status",
                                                         "history",  "completion"};

void set_up_logging(LogFormat format, std::string_view colour) {
    // Logs go to stderr (or journald) so that stdout holds only the plan and the summary;
    // every line is redacted on its way out.
    auto sink = std::make_shared<RedactingSink>(
        make_log_sink(format, colour_wanted_on(STDERR_FILENO, colour)));
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("agent", sink));
}

std::string command_list() {
    std::string list;
    for (auto command : k_commands)
        list += (list.empty() ? "" : ", ") + std::string(command);
    return list;
}

// The first word that is not an option (or an option's value) must be a command.
std::optional<std::string> unknown_command(int argc, char** argv) {
    static const std::array<std::string_view, 21> k_taking_values = {
        "-c",          "--config",
        "--log-level", "--log-format",
        "--as-of",     "--show",
        "--hand-over", "--approve-withheld",
        "--out",       "--max-deactivations",
        "--html",      "--every",
        "--jitter",    "--report",
        "--runs",      "--target",
        "--color",     "-o",
        "--output",    "--report-html",
        "--listen"};
    for (int i = 1; i < argc; ++i) {
        std::string_view word = argv[i];
        if (word.starts_with("-")) {
            if (std::ranges::find(k_taking_values, word) != k_taking_values.end()) ++i;
            continue;
        }
        if (std::ranges::find(k_commands, word) != k_commands.end()) return std::nullopt;
        std::string message = "unknown command '" + std::string(word) + "'";
        auto nearest = std::ranges::min_element(k_commands, {},
                                                [&](auto c) { return edit_distance(word, c); });
        if (edit_distance(word, *nearest) <= 2)
            message += "; did you mean '" + std::string(*nearest) + "'?";
        return message + " (commands: " + command_list() + ")";
    }
    return std::nullopt;
}

int usage_error(const std::string& message) {
    std::cerr << "hr2scim: " << message
              << "\nRun 'hr2scim --help' or 'hr2scim COMMAND --help' for usage.\n";
    return static_cast<int>(ExitCode::usage);
}

// The options every command takes, as each command's help lists them: made from the options
// themselves, so that the help cannot leave one out.
std::string common_options_footer(const CLI::App& app) {
    std::string footer = "Options every command takes (before or after it):";
    for (const auto* option : app.get_options()) {
        const auto names = option->get_name(false, true); // "-c,--config"
        if (names == "-h,--help" || names == "--version") continue;
        footer += "\n  " + names;
        if (!option->get_type_name().empty()) footer += " " + option->get_type_name();
        footer += "  " + option->get_description();
        if (!option->get_envname().empty()) footer += " (or $" + option->get_envname() + ")";
    }
    return footer + "\n";
}

CLI::App* add_command(CLI::App& app, const char* name, const char* help, RunOptions& options,
                      Command command) {
    auto* sub = app.add_subcommand(name, help);
    sub->footer(common_options_footer(app));
    sub->callback([&options, command] { options.command = command; });
    return sub;
}

// What the command line says, before it becomes RunOptions.
struct CommandLine {
    RunOptions options;
    std::string as_of;
    std::string log_format;
    std::string every; // run
    std::string jitter;
    std::string listen;
    bool show_all = false;
    std::vector<std::string> hand_overs;
    std::string colour = "auto"; // --color
    std::string output = "text"; // -o, --output
    std::string shell;           // completion
};

// The commands that share options beyond the common ones.
struct Commands {
    CLI::App* plan = nullptr;
    CLI::App* apply = nullptr;
    CLI::App* sync = nullptr;
    CLI::App* service = nullptr;
    CLI::App* status = nullptr;
    CLI::App* history = nullptr;
    CLI::App* completion = nullptr;
    CLI::App* check = nullptr;
    CLI::App* validate = nullptr;
};

// The options every command takes live on the top level, so `hr2scim -c FILE plan` and
// `hr2scim plan -c FILE` are the same.
void add_common_options(CLI::App& app, CommandLine& line) {
    app.add_option("-c,--config", line.options.config, "the config file (YAML)")
        ->envname("HR2SCIM_CONFIG")
        ->type_name("FILE"); // a shell's completion offers file names for it
    app.add_option("--log-level", line.options.log_level,
                   "trace, debug, info, warn or error (overrides the config)")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    app.add_option("--target", line.options.target,
                   "NAME: only this target, of a config with several (targets:)");
    app.add_option("--log-format", line.log_format,
                   "text, json (one object a line) or journal (journald's fields and "
                   "priorities); default: journal under systemd, text otherwise")
        ->check(CLI::IsMember({"text", "json", "journal"}));
    app.add_option("--as-of", line.as_of,
                   "decide scope and lifecycle dates as if it were this time (2026-12-01 or "
                   "2026-12-01T17:00:00Z)")
        ->check(CLI::Validator(
            [](const std::string& text) {
                return mappings::parse_instant(text)
                           ? std::string()
                           : "'" + text + "' is not an ISO 8601 date or time";
            },
            "TIME"));
    app.add_option("--color", line.colour,
                   "colour the plan, the summary and the log's levels: auto (on a terminal, "
                   "unless NO_COLOR is set), always or never; default auto")
        ->check(CLI::IsMember({"auto", "always", "never"}));
}

// -o, --output on a command that can print JSON for scripts; `json_is` says what it prints.
void add_output_option(CLI::App* command, std::string& output, const std::string& json_is) {
    command->add_option("-o,--output", output, "text (default) or json: " + json_is)
        ->check(CLI::IsMember({"text", "json"}));
}

Commands add_commands(CLI::App& app, CommandLine& line) {
    Commands commands;
    commands.validate = add_command(
        app, "validate",
        "check the config, the secrets, the mapping and the sources (it reads them, LDAP "
        "and HR APIs "
        "included); never contacts the target, never writes the state",
        line.options, Command::validate);
    commands.check = add_command(
        app, "check",
        "contact the target and read the sources, writing nothing: the credentials (an "
        "OAuth2 token's lifetime, a token that expires soon), discovery, one user read with "
        "them, the mapped attributes against the target's /Schemas; exit 1 on any problem",
        line.options, Command::check);
    commands.plan =
        add_command(app, "plan", "show what sync would change; sends nothing, writes nothing",
                    line.options, Command::plan);
    commands.plan->add_flag("--detailed-exitcode", line.options.detailed_exitcode,
                            "exit 4 when there are changes, 0 when none");
    commands.plan
        ->add_option("--html", line.options.plan_html,
                     "also write the plan as one self-contained page for its approvers (per "
                     "person before and after, what was withheld and the command that approves "
                     "it; mode 0600)")
        ->type_name("FILE");
    commands.plan
        ->add_option("--out", line.options.plan_out,
                     "also write the plan as JSON, to review and then send with `hr2scim apply "
                     "FILE`")
        ->type_name("FILE");
    commands.apply =
        add_command(app, "apply",
                    "send a plan written by `plan --out` exactly as reviewed, withheld operations "
                    "included; refuses if the config, the mapping or the state changed since",
                    line.options, Command::apply);
    commands.apply->add_option("file", line.options.plan_file, "the plan file")
        ->required()
        ->type_name("FILE");
    commands.sync =
        add_command(app, "sync", "apply the plan to the target", line.options, Command::sync);
    commands.sync->add_flag(
        "--reconcile", line.options.reconcile,
        "read every managed user back from the target and repair what changed or "
        "vanished behind hr2scim's back (one GET per user)");
    auto* explain =
        add_command(app, "explain",
                    "show one record end to end: source values, each rule's result, the SCIM body "
                    "and the planned operation; writes nothing",
                    line.options, Command::explain);
    explain->add_option("key", line.options.key, "the record's source key (e.g. its employee id)")
        ->required();
    commands.status =
        add_command(app, "status",
                    "the last runs of each target from the state, as a table, with the "
                    "users it manages and its last success; writes nothing",
                    line.options, Command::status);
    commands.status->add_option("--runs", line.options.status_runs,
                                "N: runs shown per target (default 10)");
    commands.history = add_command(app, "history",
                                   "what hr2scim did about one person, from the audit trail: when, "
                                   "which run, the operation, its outcome, what changed and why",
                                   line.options, Command::history);
    commands.history
        ->add_option("key", line.options.key, "the person's source key (e.g. their employee id)")
        ->required();
    return commands;
}

CLI::App* add_service_command(CLI::App& app, CommandLine& line) {
    auto* service = add_command(
        app, "run",
        "the service loop: sync now and then every interval until SIGTERM; SIGHUP reloads the "
        "config (a bad one is refused and the last good one keeps running)",
        line.options, Command::service);
    const CLI::Validator interval(
        [](const std::string& text) {
            return parse_interval(text) ? std::string()
                                        : "'" + text + "' is not an interval (90s, 15m, 1h, 1d)";
        },
        "INTERVAL");
    service->add_option("--every", line.every, "INTERVAL: how often to sync (90s, 15m, 1h, 1d)")
        ->required()
        ->check(interval);
    service
        ->add_option("--jitter", line.jitter,
                     "INTERVAL: wait up to this much longer, at random (default: a tenth of "
                     "--every), so that agents started together spread out")
        ->check(interval);
    service
        ->add_option("--listen", line.listen,
                     "HOST:PORT: serve /metrics (Prometheus) and /healthz (the last cycle's "
                     "result) over HTTP there, e.g. 127.0.0.1:9464 or [::1]:9464; keep it on "
                     "loopback")
        ->check(CLI::Validator(
            [](const std::string& text) {
                auto address = parse_listen_address(text);
                return address ? std::string() : "'" + text + "': " + address.error();
            },
            "HOST:PORT"));
    return service;
}

// `completion SHELL` needs no config: it prints what this command line takes.
CLI::App* add_completion_command(CLI::App& app, CommandLine& line) {
    auto* completion = app.add_subcommand(
        "completion", "print the shell completion script for bash, zsh or fish, made from this "
                      "command line (the package installs them): source <(hr2scim completion "
                      "bash)");
    completion->footer(common_options_footer(app));
    completion->add_option("shell", line.shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    return completion;
}

void add_shared_options(const Commands& commands, CommandLine& line) {
    add_output_option(commands.plan, line.output,
                      "the plan file's format (as --out writes it) instead of the listing");
    add_output_option(commands.status, line.output, "the same facts as one JSON document");
    add_output_option(commands.check, line.output, "every check as one JSON document");
    add_output_option(commands.validate, line.output,
                      "the same facts as one JSON document (result, exit_code, problems, "
                      "rejections, safety)");
    add_output_option(commands.history, line.output, "the same entries as one JSON document");
    for (auto* sub : {commands.sync, commands.apply, commands.service}) {
        sub->add_option("--report", line.options.report.json,
                        "write each run's JSON report there (mode 0600: it names people)")
            ->type_name("FILE");
        sub->add_option("--report-html", line.options.report.html,
                        "write each run's report as one self-contained page there too, for "
                        "people (result, counts, what failed with the target's reason, what "
                        "was withheld with its approve command, rejected records; mode 0600)")
            ->type_name("FILE");
    }
    // validate checks the folders a sync with the same options would write the reports to.
    commands.validate
        ->add_option("--report", line.options.report.json,
                     "check that sync --report FILE could write there (its folder)")
        ->type_name("FILE");
    commands.validate
        ->add_option("--report-html", line.options.report.html,
                     "check that sync --report-html FILE could write there (its folder)")
        ->type_name("FILE");
    for (auto* sub : {commands.plan, commands.sync, commands.service}) {
        sub->add_option(
            "--show", line.options.show_operations,
            "print at most N operations one by one, then a summary by kind (default 100)");
        sub->add_flag("--show-all", line.show_all, "print every operation of the plan");
    }
    for (auto* sub : {commands.plan, commands.sync, commands.apply, commands.service})
        sub->add_flag("-q,--quiet", line.options.quiet,
                      "for cron: no operation listing, no progress line, warnings and errors "
                      "only in the log");
    for (auto* sub : {commands.plan, commands.sync, commands.service})
        sub->add_flag("--adopt-existing", line.options.adopt_existing,
                      "a first run (no state for the target) may take over the accounts the "
                      "target already holds that match this config's people; without it, such "
                      "a run stops before sending (a lost or mistyped state looks the same)");
    for (auto* sub : {commands.plan, commands.sync}) {
        sub->add_option("--approve-withheld", line.options.approve_withheld,
                        "DIGEST: send the deactivations and deletions a safety gate withheld, if "
                        "they are still exactly the set the plan named by this digest");
        sub->add_option("--hand-over", line.hand_overs,
                        "OLD=NEW: a re-hire under a new key takes over the account of the key that "
                        "left (repeatable)")
            ->check(CLI::Validator(
                [](const std::string& text) {
                    auto equals = text.find('=');
                    return equals != std::string::npos && equals > 0 && equals + 1 < text.size()
                               ? std::string()
                               : "'" + text + "' is not OLD=NEW";
                },
                "OLD=NEW"));
        sub->add_option("--max-deactivations", line.options.max_deactivations,
                        "allow up to N deactivations in this run, overriding the safety limits");
        sub->add_flag(
            "--allow-shrink", line.options.allow_shrink,
            "accept a source that shrank more than source.max_shrink_percent, for this run");
    }
}

// "; did you mean '--show'?" for the first option no command took, among the options of the
// command given and those every command takes.
std::string option_suggestion(const CLI::App& app) {
    std::vector<std::string> names;
    std::vector<std::string> unknown = app.remaining();
    auto add_names = [&](const CLI::App& from) {
        for (const auto* option : from.get_options())
            for (const auto& name : option->get_lnames())
                names.push_back("--" + name);
    };
    add_names(app);
    for (const auto* sub : app.get_subcommands()) {
        add_names(*sub);
        const auto left = sub->remaining();
        unknown.insert(unknown.end(), left.begin(), left.end());
    }
    for (const auto& word : unknown)
        if (word.starts_with("--")) return did_you_mean(word, names);
    return "";
}

// An exit code when the command line is wrong or asked for help or the version.
std::optional<int> parse(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::RequiredError& error) {
        if (std::string_view(error.what()).find("subcommand") == std::string_view::npos)
            return usage_error(error.what());
        return usage_error("a command is required (" + command_list() +
                           "), e.g. hr2scim plan -c config.yaml");
    } catch (const CLI::ExtrasError& error) {
        return usage_error(error.what() + option_suggestion(app));
    } catch (const CLI::ParseError& error) {
        return usage_error(error.what());
    }
    return std::nullopt;
}

// What the flags imply for the run's options.
void finish_options(CommandLine& line) {
    auto& options = line.options;
    if (!line.as_of.empty()) options.as_of = mappings::parse_instant(line.as_of);
    if (line.show_all) options.show_operations = SIZE_MAX;
    if (options.quiet) {
        options.show_operations = 0;
        if (options.log_level.empty()) options.log_level = "warn";
    }
    for (const auto& pair : line.hand_overs)
        options.hand_overs.emplace_back(pair.substr(0, pair.find('=')),
                                        pair.substr(pair.find('=') + 1));
    options.output = line.output == "json" ? OutputFormat::json : OutputFormat::text;
}

int run_service(const CommandLine& line, std::ostream& out) {
    LoopOptions loop;
    loop.every = *parse_interval(line.every);
    loop.jitter = line.jitter.empty() ? loop.every / 10 : *parse_interval(line.jitter);
    if (loop.every < std::chrono::seconds(1)) return usage_error("--every must be at least 1s");
    if (!line.listen.empty()) loop.listen = *parse_listen_address(line.listen);
    try {
        return static_cast<int>(run_loop(line.options, loop, out));
    } catch (const std::exception& error) {
        spdlog::error("{}", error.what());
    }
    return static_cast<int>(ExitCode::failed);
}

} // namespace

int main_with_arguments(int argc, char** argv) {
    CLI::App app{"hr2scim: keeps SCIM 2.0 applications' users in line with an HR source"};
    app.set_version_flag("--version", std::string("hr2scim ") + HR2SCIM_VERSION);
    app.require_subcommand(1);
    app.fallthrough(); // the common options may come before or after the command
    CommandLine line;
    add_common_options(app, line);
    auto commands = add_commands(app, line);
    commands.service = add_service_command(app, line);
    commands.completion = add_completion_command(app, line);
    add_shared_options(commands, line);
    if (auto unknown = unknown_command(argc, argv)) return usage_error(*unknown);
    if (auto code = parse(app, argc, argv)) return *code;
    if (commands.completion->parsed()) {
        std::cout << completion_script(app, line.shell);
        return static_cast<int>(ExitCode::ok);
    }
    if (line.options.config.empty())
        return usage_error("--config is required (or set HR2SCIM_CONFIG), e.g. hr2scim plan -c "
                           "/etc/hr2scim/config.yaml");
    finish_options(line);
    set_up_logging(choose_log_format(line.log_format), line.colour);
    RedactingBuffer redacted(std::cout);
    std::ostream out(&redacted);
    use_colour(out, colour_wanted_on(STDOUT_FILENO, line.colour));
    if (line.options.command != Command::service)
        return static_cast<int>(run_reporting_errors(line.options, out));
    return run_service(line, out);
}

} // namespace hr2scim::agent
