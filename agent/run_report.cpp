#include "agent/run_report.hpp"

#include "agent/output_file.hpp"
#include "agent/run_metrics.hpp"
#include "http/secrets.hpp"
#include "state/group_plan.hpp"
#include "state/timestamp.hpp"

#include <algorithm>

namespace hr2scim::agent {
namespace {

std::string utc(std::chrono::system_clock::time_point time) {
    return state::to_timestamp(std::chrono::floor<std::chrono::seconds>(time));
}

nlohmann::ordered_json operation_entry(const state::Operation& operation) {
    nlohmann::ordered_json entry = {{"operation", std::string(state::verb(operation.kind))},
                                    {"key", operation.key}};
    if (!operation.scim_id.empty()) entry["scim_id"] = operation.scim_id;
    return entry;
}

} // namespace

nlohmann::ordered_json run_report(const RunReportInputs& inputs) {
    using Kind = state::OperationKind;
    nlohmann::ordered_json report = {
        {"target", inputs.target},
        {"command", inputs.command},
        {"started_at", utc(inputs.started)},
        {"finished_at", utc(inputs.finished)},
        {"duration_seconds",
         std::chrono::duration<double>(inputs.finished - inputs.started).count()},
        {"exit_code", inputs.exit_code},
        {"result", result_name(inputs.exit_code, inputs.interrupted)}};
    if (inputs.interrupted) report["interrupted"] = true;
    if (inputs.run_id) report["run_id"] = *inputs.run_id;
    if (inputs.stopped_because) report["stopped_because"] = *inputs.stopped_because;
    report["source"] = {{"records", inputs.records},
                        {"complete", inputs.source_complete},
                        {"rejected", inputs.rejections ? inputs.rejections->size() : 0}};
    if (inputs.plan) {
        const auto& plan = *inputs.plan;
        const auto counts = plan.counts();
        report["plan"] = {
            {"create", counts[Kind::create]},         {"update", counts[Kind::update]},
            {"deactivate", counts[Kind::deactivate]}, {"reactivate", counts[Kind::reactivate]},
            {"delete", counts[Kind::remove]},         {"unchanged", plan.unchanged},
            {"withheld", plan.withheld.size()}};
        if (!plan.withheld.empty()) {
            nlohmann::ordered_json withheld = {
                {"reason", plan.withheld_reason.value_or("")},
                {"digest", plan.stopped_by_gate
                               ? nlohmann::ordered_json(state::withheld_digest(plan, nullptr))
                               : nlohmann::ordered_json()},
                {"operations", nlohmann::ordered_json::array()}};
            for (const auto& operation : plan.withheld)
                withheld["operations"].push_back(operation_entry(operation));
            report["withheld"] = std::move(withheld);
        }
    }
    if (inputs.tally) {
        const auto& tally = *inputs.tally;
        report["applied"] = {{"created", tally.created},
                             {"updated", tally.updated},
                             {"deactivated", tally.deactivated},
                             {"reactivated", tally.reactivated},
                             {"deleted", tally.deleted},
                             {"failed", tally.failed},
                             {"skipped", tally.skipped - tally.stopped},
                             {"not_sent", tally.stopped}};
        if (tally.deferred > 0) report["applied"]["deferred"] = tally.deferred;
        // Taken by an upload target to process later (entra_inbound): confirmed by its log.
        if (tally.awaiting > 0) report["applied"]["awaiting_confirmation"] = tally.awaiting;
        if (tally.pace.rate_limited > 0 || tally.pace.write_pace > 0)
            report["pace"] = {{"rate_limited", tally.pace.rate_limited},
                              {"slowed_down", tally.pace.slowed_down},
                              {"writes_per_second_at_end", tally.pace.write_pace},
                              {"lowest_writes_per_second", tally.pace.lowest_write_pace}};
        if (tally.abandoned) report["abandoned"] = *tally.abandoned;
    }
    if (!inputs.estimate.is_null()) report["estimate"] = inputs.estimate;
    auto failures = nlohmann::ordered_json::array();
    if (inputs.outcomes)
        for (const auto& outcome : *inputs.outcomes) {
            if (outcome.result == apply::Result::done || outcome.operation == nullptr ||
                outcome.deferred || outcome.stopped)
                continue;
            auto entry = operation_entry(*outcome.operation);
            entry["result"] = std::string(apply::to_string(outcome.result));
            entry["message"] = outcome.message;
            failures.push_back(std::move(entry));
        }
    report["failures"] = std::move(failures);
    auto rejections = nlohmann::ordered_json::array();
    if (inputs.rejections)
        for (const auto& rejection : *inputs.rejections)
            rejections.push_back({{"origin", rejection.origin},
                                  {"key", rejection.key},
                                  {"reason", rejection.reason}});
    report["rejections"] = std::move(rejections);
    report["warnings"] = inputs.warnings;
    return report;
}

nlohmann::json outcomes_by_kind(const std::vector<apply::Outcome>& outcomes) {
    auto by_kind = nlohmann::json::object();
    for (const auto& outcome : outcomes) {
        if (outcome.operation == nullptr) continue;
        std::string result(apply::to_string(outcome.result, outcome.stopped));
        std::ranges::replace(result, ' ', '_');
        std::string kind(state::verb(outcome.operation->kind));
        std::ranges::replace(kind, ' ', '_');
        auto& count = by_kind[kind][result];
        count = count.is_null() ? 1 : count.get<size_t>() + 1;
    }
    return by_kind;
}

void write_run_report(const std::filesystem::path& file, const RunReportInputs& inputs) {
    // Messages may hold what a server echoed: redacted like every line hr2scim writes.
    write_file_atomically(file,
                          http::redact_secrets(run_report(inputs).dump(
                              2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)) +
                              "\n",
                          0600);
}

} // namespace hr2scim::agent
