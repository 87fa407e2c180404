#include "agent/cli.hpp"

#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "agent/config.hpp"
#include "agent/run.hpp"
#include "mappings/dates.hpp"
#include "mappings/mapping.hpp"
#include "state/sqlite.hpp"

namespace hr2scim::agent {
namespace {

void set_up_logging() {
    // Logs go to stderr so that stdout holds only the plan and the summary.
    auto logger = spdlog::stderr_color_mt("agent");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
    spdlog::set_default_logger(logger);
}

CLI::App* add_command(CLI::App& app, const char* name, const char* help, RunOptions& options, Command command,
                      std::string& as_of) {
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("-c,--config", options.config, "the config file (YAML)")->required()->envname("HR2SCIM_CONFIG");
    sub->add_option("--as-of", as_of,
                    "decide scope and lifecycle dates as if it were this time (2026-12-01 or 2026-12-01T17:00:00Z)")
        ->check(CLI::Validator(
            [](const std::string& text) {
                return mappings::parse_instant(text) ? std::string() : "'" + text + "' is not an ISO 8601 date or time";
            },
            "TIME"));
    sub->callback([&options, command] { options.command = command; });
    return sub;
}

} // namespace

int main_with_arguments(int argc, char** argv) {
    CLI::App app{"hr2scim: keeps SCIM 2.0 applications' users in line with an HR source"};
    app.set_version_flag("--version", std::string("hr2scim ") + HR2SCIM_VERSION);
    app.require_subcommand(1);
    app.fallthrough(); // --log-level may come after the subcommand too
    RunOptions options;
    std::string as_of;
    app.add_option("--log-level", options.log_level, "trace, debug, info, warn or error (overrides the config)")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

    add_command(app, "validate", "check the config, the mapping and the source; touches no state or target",
                options, Command::validate, as_of);
    auto* plan = add_command(app, "plan", "show what sync would change; touches no target", options, Command::plan,
                              as_of);
    plan->add_flag("--detailed-exitcode", options.detailed_exitcode, "exit 4 when there are changes, 0 when none");
    auto* sync = add_command(app, "sync", "apply the plan to the target", options, Command::sync, as_of);
    auto* explain = add_command(app, "explain",
                                "show one record end to end: source values, each rule's result, the SCIM body "
                                "and the planned operation; writes nothing",
                                options, Command::explain, as_of);
    explain->add_option("key", options.key, "the record's source key (e.g. its employee id)")->required();
    for (auto* sub : {plan, sync}) {
        sub->add_option("--max-deactivations", options.max_deactivations,
                        "allow up to N deactivations in this run, overriding the safety limits");
        sub->add_flag("--allow-shrink", options.allow_shrink,
                      "accept a source that shrank more than source.max_shrink_percent, for this run");
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    }
    if (!as_of.empty()) options.as_of = mappings::parse_instant(as_of);
    set_up_logging();
    try {
        return static_cast<int>(run(options, std::cout));
    } catch (const ConfigError& error) {
        spdlog::error("{}", error.what());
    } catch (const mappings::MappingError& error) {
        spdlog::error("{}", error.what());
    } catch (const state::StateError& error) {
        spdlog::error("state: {}", error.what());
    } catch (const std::exception& error) {
        spdlog::critical("unexpected error: {}", error.what());
    }
    return static_cast<int>(ExitCode::failed);
}

} // namespace hr2scim::agent
