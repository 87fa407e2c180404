#include "agent/validate.hpp"

#include "agent/group_report.hpp"
#include "agent/output_file.hpp"
#include "agent/plan_policy.hpp"
#include "agent/plan_printer.hpp"
#include "agent/run_lock.hpp"
#include "agent/run_metrics.hpp"
#include "agent/run_session.hpp"
#include "agent/sync.hpp"
#include "agent/target_checks.hpp"
#include "http/redact.hpp"
#include "scim/discovery.hpp"
#include "state/source_key.hpp"
#include "state/sqlite.hpp"
#include "state/state_store.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <tuple>

namespace hr2scim::agent {
namespace {

// Mapped attributes the target said it lacks, the last time a sync asked it (validate does
// not contact the target).
void print_attributes_the_target_lacks(std::ostream& out, const mappings::Mapping& mapping,
                                       const state::StateSnapshot& snapshot) {
    if (!snapshot.target_capabilities) {
        out << "Target attributes: not known yet (sync asks the target before its first write)\n";
        return;
    }
    const auto capabilities = scim::capabilities_from_state(*snapshot.target_capabilities);
    for (const auto& [path, evidence] : capabilities.unkept)
        out << "Target attributes: the target does not keep " << path << " (learnt: " << evidence
            << "); sync leaves it out\n";
    if (!capabilities.patch_refused.empty())
        out << "Target PATCH: not used (learnt: " << capabilities.patch_refused
            << "); set target.profile: put_only to say so\n";
    if (!capabilities.user_attributes) {
        out << "Target attributes: the target does not describe them (/Schemas)\n";
        return;
    }
    const auto lacking = paths_the_target_lacks(mapping, *capabilities.user_attributes);
    if (lacking.empty()) {
        out << "Target attributes: the target has every mapped attribute\n";
        return;
    }
    out << "Target attributes: the target lacks " << fmt::format("{}", fmt::join(lacking, ", "))
        << " (as it said when a sync last asked); sync leaves them out\n";
}

// A file a run writes besides the state (the metrics, a report): its folder must exist and take
// new files. False, with the problem added to `problems`, when it does not.
bool output_usable(std::ostream& text, std::string_view label, const std::filesystem::path& file,
                   std::string_view setting, std::vector<std::string>& problems) {
    const auto problem = output_folder_problem(file, setting);
    text << label << file.string() << ": "
         << (problem ? "NOT USABLE: " + *problem : std::string("folder writable")) << '\n';
    if (problem) problems.push_back(*problem);
    return !problem;
}

// The safety gates, as plan finds them (a state that holds nobody has nothing to withhold).
void print_verdict(std::ostream& out, const PlanVerdict& verdict) {
    if (verdict.gate_stopped)
        out << "Safety  sync would withhold " << verdict.withheld
            << " deactivations and deletions: " << verdict.reason.value_or("a safety gate")
            << " (`hr2scim plan` lists them with the digest that approves them)\n";
    if (verdict.groups_withheld > 0)
        out << "Safety  sync would withhold " << verdict.groups_withheld
            << (verdict.groups_withheld == 1 ? " group change: " : " group changes: ")
            << fmt::format("{}", fmt::join(verdict.group_reasons, "; ")) << '\n';
    if (!verdict.gate_stopped && verdict.groups_withheld == 0)
        out << "Safety  no safety gate would stop sync\n";
}

} // namespace

// Everything that can be checked before any write: config, mapping (loaded by prepare), the
// target's secret and files (the target is not contacted), the state (read, never created),
// the sources (read: this reaches LDAP and HR APIs) with their completeness guards.
ExitCode validate(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    const auto& config = prepared.config;
    std::vector<std::string> problems;
    // -o json: the same facts as one document at the end; the lines go nowhere.
    const bool as_json = options.output == OutputFormat::json;
    std::ostream nowhere(nullptr);
    std::ostream& text = as_json ? nowhere : out;
    nlohmann::ordered_json document;
    const auto finish = [&](ExitCode code) {
        if (!as_json) return code;
        document["problems"] = problems;
        document["result"] = code == ExitCode::failed ? std::string("not_valid")
                             : code == ExitCode::ok   ? std::string("valid")
                                                      : result_name(static_cast<int>(code));
        document["exit_code"] = static_cast<int>(code);
        out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
            << '\n';
        return code;
    };
    document["config"] = config.file.string();
    document["mapping"] = {{"file", prepared.mapping.file.string()},
                           {"rules", prepared.mapping.rules.size()}};
    text << "Config  " << config.file.string() << ": valid\n";
    text << "Mapping " << prepared.mapping.file.string() << ": valid ("
         << prepared.mapping.rules.size() << " rules)\n";
    auto target = target_problem(config.target);
    text << "Target  \"" << config.target.name << "\" " << http::redact_url(config.target.url)
         << ": "
         << (target ? "NOT USABLE: " + *target
                    : std::string("secret and files readable (not contacted)"))
         << '\n';
    if (target) problems.push_back(*target);
    document["target"] = {{"name", config.target.name},
                          {"url", http::redact_url(config.target.url)},
                          {"usable", !target}};
    RunLock lock(config.state, RunLock::Mode::shared);
    auto snapshot = state::StateStore::read_snapshot(config.state, config.target.name, false);
    auto location = state::state_folder_problem(config.state);
    text << "State   " << config.state.string() << ": "
         << (location ? "NOT USABLE: " + *location
             : std::filesystem::exists(config.state)
                 ? std::to_string(snapshot.resources.size()) + " users known"
                 : std::string("not created yet (sync creates it)"))
         << '\n';
    if (location) problems.push_back(*location);
    document["state"] = {{"path", config.state.string()},
                         {"usable", !location},
                         {"users_known", snapshot.resources.size()}};
    if (!config.metrics_textfile.empty()) {
        const bool usable =
            output_usable(text, "Metrics ", config.metrics_textfile, "metrics.textfile", problems);
        document["metrics"] = {{"textfile", config.metrics_textfile.string()}, {"usable", usable}};
    }
    // The reports a sync with these options would write (validate --report FILE ...).
    for (const auto& [key, file, setting] :
         {std::tuple("report", options.report.json, "--report"),
          std::tuple("report_html", options.report.html, "--report-html")}) {
        if (file.empty()) continue;
        const bool usable = output_usable(text, "Report  ", file, setting, problems);
        document[key] = {{"file", file.string()}, {"usable", usable}};
    }
    // validate keeps a summary of each person, not the person (agent/person_summaries.hpp).
    auto mapped = read_and_summarize(
        prepared, [&](const std::string& id) { return snapshot.last_complete_read(id); });
    guard_completeness(mapped, snapshot.last_complete_read(prepared.source->describe()),
                       config.source_guards, false);
    text << "Source  " << prepared.source->describe() << ": " << mapped.records << " records, "
         << mapped.mapped() << " mapped\n";
    print_group_tally(text, "Groups  ", prepared.mapping, tally_groups(mapped.summaries));
    print_rejections(text, mapped);
    auto unknown_managers =
        agent::unknown_managers(mapped.summaries, snapshot.resources, config.case_sensitive_keys);
    state::PlanPolicy departed;
    if (note_departed_managers(departed, unknown_managers, config))
        std::erase_if(unknown_managers, [&](const state::RejectedLink& link) {
            return departed.departed_managers.contains(
                state::identity_key(link.manager_key, config.case_sensitive_keys));
        });
    print_rejected_links(text, unknown_managers);
    print_attributes_the_target_lacks(text, prepared.mapping, snapshot);
    document["source"] = {{"read", prepared.source->describe()},
                          {"records", mapped.records},
                          {"mapped", mapped.mapped()},
                          {"complete", mapped.read.complete()}};
    if (mapped.read.failure) document["source"]["failure"] = *mapped.read.failure;
    document["rejections"] = nlohmann::ordered_json::array();
    for (const auto& rejection : mapped.rejections)
        document["rejections"].push_back(
            {{"origin", rejection.origin}, {"key", rejection.key}, {"reason", rejection.reason}});
    document["unknown_managers"] = nlohmann::ordered_json::array();
    for (const auto& link : unknown_managers)
        document["unknown_managers"].push_back(
            {{"key", link.key}, {"origin", link.origin}, {"manager", link.manager_key}});
    if (!mapped.read.complete()) problems.emplace_back("the source failed");
    if (!problems.empty()) {
        text << "\nNOT VALID: " << problems.size()
             << (problems.size() == 1 ? " problem" : " problems") << " above; sync would fail.\n";
        return finish(ExitCode::failed);
    }
    // The gates need the plan: deactivations come from the state's people, absences confirmed
    // over runs and scope; they are found as plan and sync find them (a second reading, with
    // plan's memory). A state that holds nobody has nothing a gate could withhold.
    PlanVerdict verdict;
    if (!snapshot.resources.empty()) {
        verdict = plan_verdict(prepared, options);
        print_verdict(text, verdict);
    }
    document["safety"] = {{"checked", !snapshot.resources.empty()},
                          {"gate_stopped", verdict.gate_stopped},
                          {"withheld", verdict.withheld},
                          {"reason", verdict.reason ? nlohmann::ordered_json(*verdict.reason)
                                                    : nlohmann::ordered_json()},
                          {"groups_withheld", verdict.groups_withheld},
                          {"group_reasons", verdict.group_reasons}};
    const auto code = exit_code({.gate_stopped = verdict.gate_stopped,
                                 .groups_withheld = verdict.groups_withheld > 0,
                                 .rejected_records = mapped.rejections.size(),
                                 .failed_joins = mapped.failed_joins.size(),
                                 .rejected_links = unknown_managers.size()});
    switch (code) {
    case ExitCode::safety_stop:
        text << "\nValid, but sync would stop at the safety gate above (exit 3) until the "
                "withheld changes are approved.\n";
        break;
    case ExitCode::partial:
        text << "\nValid, with the records above rejected: sync would leave them alone.\n";
        break;
    default:
        text << "\nValid: sync can run.\n";
    }
    return finish(code);
}

} // namespace hr2scim::agent
