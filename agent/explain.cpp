#include "agent/explain.hpp"

#include "agent/group_report.hpp"
#include "agent/plan_policy.hpp"
#include "agent/plan_printer.hpp"
#include "agent/read_and_map.hpp"
#include "agent/run_lock.hpp"
#include "mappings/mapper.hpp"
#include "state/state_store.hpp"

#include <algorithm>

namespace hr2scim::agent {
namespace {

void print_source_values(std::ostream& out, const connectors::Record& record) {
    out << "Source values:\n";
    for (const auto& [name, values] : record.attributes) {
        out << "  " << name << " =";
        for (const auto& value : values)
            out << " "
                << nlohmann::json(value).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace);
        out << '\n';
    }
}

void print_rule_outcomes(std::ostream& out, const mappings::Mapping& mapping,
                         const connectors::Record& record, mappings::Instant now) {
    out << "\nMapped attributes (" << mapping.file.string() << "):\n";
    for (const auto& outcome : mappings::trace_record(mapping, record, now)) {
        out << "  " << outcome.target << " = "
            << (outcome.value.empty()
                    ? std::string("(none)")
                    : nlohmann::json(outcome.value)
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
            << "    from " << outcome.rule;
        if (!outcome.note.empty()) out << "    [" << outcome.note << "]";
        out << '\n';
    }
}

std::string_view disposition_name(scim::Disposition disposition) {
    switch (disposition) {
    case scim::Disposition::provision:
        return "provisioned";
    case scim::Disposition::hold:
        return "left alone";
    case scim::Disposition::out_of_scope:
        return "out of scope";
    }
    return "?";
}

void print_decision(std::ostream& out, const Prepared& prepared,
                    const scim::DesiredResource& desired) {
    const auto& mapping = prepared.mapping;
    out << "\nScope and lifecycle (as of " << mappings::format_instant(prepared.now) << "):\n";
    if (!mapping.scope.include && !mapping.scope.exclude)
        out << "  scope: everyone in the source\n";
    if (mapping.scope.include) out << "  scope include: " << mapping.scope.include_text << '\n';
    if (mapping.scope.exclude) out << "  scope exclude: " << mapping.scope.exclude_text << '\n';
    if (!mapping.lifecycle.time_zone) out << "  lifecycle: none (no dates in the mapping)\n";
    out << "  => " << disposition_name(desired.disposition);
    if (!desired.details().decision.empty()) out << ": " << desired.details().decision;
    out << '\n';
    if (desired.manager_key) out << "  manager: source key " << *desired.manager_key << '\n';
}

// A key the source has no record of: what sync would do about the account the state knows.
ExitCode explain_absent(const Prepared& prepared, const RunOptions& options,
                        const MappedSource& mapped, const state::StateSnapshot& snapshot,
                        const state::StoredResource* known, std::ostream& out) {
    out << "The source has no record with the key " << options.key << ".\n";
    if (!known) {
        out << "The state does not know it either: nobody has that key.\n";
        return ExitCode::failed;
    }
    out << "The state knows it (" << state::to_string(known->status) << ", SCIM id "
        << known->scim_id << "): ";
    auto policy = policy_for(prepared, options, mapped);
    policy.absences = snapshot.absences;
    const auto plan = state::make_plan(mapped.desired, snapshot.resources, policy);
    const auto absence = std::ranges::find(plan.absences, known->key, &state::Absence::key);
    if (absence != plan.absences.end() && !absence->confirmed) {
        out << "absent from " << absence->reads << " complete read(s) so far; sync would "
            << "not deactivate it yet (" << absence->until << ").\n";
    } else {
        out << "sync would deactivate it, subject to the safety gates.\n";
    }
    return ExitCode::ok;
}

// The whole run is planned, so that managers resolve and the gates count as sync would;
// only this person's operations are shown.
void print_plan_for(const Prepared& prepared, const RunOptions& options, const MappedSource& mapped,
                    const state::StateSnapshot& snapshot, const scim::DesiredResource& desired,
                    bool known, std::ostream& out) {
    auto policy = policy_for(prepared, options, mapped);
    policy.absences = snapshot.absences;
    auto plan = state::make_plan(mapped.desired, snapshot.resources, policy);
    if (note_departed_managers(policy, plan.rejected_links, prepared.config))
        plan = state::make_plan(mapped.desired, snapshot.resources, policy);
    auto other = [&](const auto& operation) { return operation.key != options.key; };
    std::erase_if(plan.operations, other);
    std::erase_if(plan.withheld, other);
    std::erase_if(plan.absences, other);
    std::erase_if(plan.rejected_links, other);
    std::erase_if(plan.unlinked_managers,
                  [&](const std::string& line) { return !line.starts_with(options.key + ":"); });
    plan.unchanged = plan.operations.empty() && plan.withheld.empty() && known ? 1 : 0;
    plan.protected_keys = 0;
    plan.held = desired.disposition == scim::Disposition::hold && known ? 1 : 0;
    print_plan(out, plan, prepared.config.target.name);
}

template <typename Items>
auto find_key(const Items& items, const std::string& key) -> decltype(&*items.begin()) {
    for (const auto& item : items)
        if (item.key == key) return &item;
    return nullptr;
}

} // namespace

ExitCode explain(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    const auto& config = prepared.config;
    RunLock lock(config.state, RunLock::Mode::shared);
    const auto snapshot = state::StateStore::read_snapshot(config.state, config.target.name);
    auto mapped = read_and_map(
        prepared, [&](const std::string& id) { return snapshot.last_complete_read(id); }, true);
    // A read that failed says nothing about who is not in it: said first, and the answer is 1.
    if (mapped.read.failure)
        out << "SOURCE FAILED: " << *mapped.read.failure
            << "\nsync would deactivate nobody in this run.\n\n";
    const auto* record = find_key(mapped.read.records, options.key);
    bool rejected = false;
    for (const auto& rejection : mapped.rejections) {
        if (rejection.key != options.key) continue;
        out << "REJECTED " << rejection.origin << ": " << rejection.reason << "\n\n";
        rejected = true;
    }
    const auto* known = find_key(snapshot.resources, options.key);
    if (!record && rejected) {
        out << "The record with the key " << options.key
            << " was rejected: sync leaves its user as it is.\n";
        return ExitCode::partial;
    }
    if (!record && mapped.read.failure) {
        out << "The key " << options.key
            << " is not among the records read before the source failed: whether the source "
               "has it is not known.\n";
        return ExitCode::failed;
    }
    if (!record) return explain_absent(prepared, options, mapped, snapshot, known, out);
    out << "Record " << record->key << " from " << record->origin << "\n\n";
    print_source_values(out, *record);
    print_rule_outcomes(out, prepared.mapping, *record, prepared.now);
    const auto* desired = find_key(mapped.desired, options.key);
    if (!desired) return ExitCode::partial;
    print_decision(out, prepared, *desired);
    print_person_groups(out, prepared.mapping, *record, *desired, prepared.now);
    out << "\nSCIM body:\n"
        << desired->body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n\n";
    print_plan_for(prepared, options, mapped, snapshot, *desired, known != nullptr, out);
    return mapped.read.failure ? ExitCode::failed : ExitCode::ok;
}

} // namespace hr2scim::agent
