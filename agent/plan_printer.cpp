#include "agent/plan_printer.hpp"

#include "agent/colour.hpp"
#include "scim/patch.hpp"

#include <algorithm>
#include <vector>

namespace hr2scim::agent {
namespace {

using nlohmann::json;
using state::OperationKind;

constexpr size_t k_max_shown_value = 120;

std::string shown(const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > k_max_shown_value) text = text.substr(0, k_max_shown_value) + "...";
    return text;
}

Tone tone_of(OperationKind kind) {
    switch (kind) {
    case OperationKind::create:
    case OperationKind::reactivate:
        return Tone::added;
    case OperationKind::deactivate:
    case OperationKind::remove:
        return Tone::removed;
    case OperationKind::update:
    case OperationKind::link_manager:
        break;
    }
    return Tone::changed;
}

std::string symbol(OperationKind kind) {
    switch (kind) {
    case OperationKind::create:
        return "+ create    ";
    case OperationKind::update:
        return "~ update    ";
    case OperationKind::deactivate:
        return "- deactivate";
    case OperationKind::reactivate:
        return "^ reactivate";
    case OperationKind::remove:
        return "x delete    ";
    case OperationKind::link_manager:
        return "> manager   ";
    }
    return "?";
}

void print_change(std::ostream& out, const scim::AttributeChange& change) {
    out << "      " << change.path << ": ";
    if (change.before && change.after) {
        out << shown(*change.before) << " -> " << shown(*change.after);
    } else if (change.after) {
        out << "(none) -> " << shown(*change.after);
    } else {
        out << shown(*change.before) << " -> (removed)";
    }
    out << '\n';
}

void print_operation(std::ostream& out, const state::Operation& operation) {
    out << "  "
        << (operation.repair ? Painted{Tone::changed, "* repair    "}
                             : Painted{tone_of(operation.kind), symbol(operation.kind)})
        << " " << operation.key;
    if (!operation.origin.empty()) out << "  (" << operation.origin << ")";
    if (operation.resolve_first) out << "  [unconfirmed earlier create: looked up first]";
    out << '\n';
    if (!operation.details().decision.empty())
        out << "      (" << operation.details().decision << ")\n";
    if (operation.kind == OperationKind::link_manager) {
        out << "      manager = the SCIM id of " << operation.manager_key
            << ", created in this run\n";
        return;
    }
    if (operation.kind == OperationKind::create) {
        for (const auto& change : scim::diff_bodies(json::object(), operation.full_body()))
            out << "      " << change.path << " = " << shown(*change.after) << '\n';
        for (const auto& choice : operation.details().unique) {
            out << "      " << choice.path.to_string() << " is unique: ";
            if (choice.candidates.empty()) {
                out << "NO FREE CANDIDATE (all are held by users in the state)\n";
                continue;
            }
            out << "the first of";
            for (const auto& candidate : choice.candidates)
                out << " " << shown(json(candidate));
            out << " that the target does not hold\n";
        }
        return;
    }
    for (const auto& change : operation.changes)
        print_change(out, change);
}

// Absent from the source without a termination date, and not yet confirmed: left as they are.
void print_absent(std::ostream& out, const state::Plan& plan, size_t show) {
    const size_t waiting = plan.absent_unconfirmed();
    if (waiting == 0) return;
    out << "\n"
        << Painted{Tone::warning, "ABSENT"} << ", not deactivated yet: " << waiting
        << (waiting == 1 ? " user is" : " users are")
        << " no longer in the source, without a termination date; absence is confirmed over "
           "several complete reads (safety.confirm_absence):\n";
    size_t shown = 0;
    for (const auto& absence : plan.absences) {
        if (absence.confirmed) continue;
        if (shown++ == show) {
            out << "  ... and more (--show-all lists them)\n";
            break;
        }
        out << "  ? " << absence.key << " (absent "
            << (absence.reads == 1 ? std::string("once") : std::to_string(absence.reads) + " times")
            << ", " << absence.until << ")\n";
    }
}

} // namespace

void print_rejected_links(std::ostream& out, const std::vector<state::RejectedLink>& links,
                          size_t show) {
    if (links.empty()) return;
    out << "\nRejected manager " << (links.size() == 1 ? "link" : "links")
        << " (the manager the target holds is kept):\n";
    const size_t shown = std::min(show, links.size());
    for (size_t i = 0; i < shown; ++i)
        out << "  ! " << links[i].origin << ": " << links[i].key << ": manager "
            << links[i].manager_key
            << " is not in the source (no record has that key, or its record was rejected)\n";
    if (shown < links.size())
        out << "  ... and " << links.size() - shown << " more (--show-all lists them)\n";
}

void print_plan(std::ostream& out, const state::Plan& plan, const std::string& target_name,
                size_t show) {
    if (plan.operation_count() == 0) {
        out << "No changes for target \"" << target_name << "\": " << plan.unchanged
            << " users up to date.\n";
    } else if (show > 0) {
        out << "Changes for target \"" << target_name << "\":\n\n";
        // A plan with folded links lists no more than its leading operations (see sync.cpp).
        const size_t shown = std::min(show, plan.folded_links > 0 ? plan.leading_operations()
                                                                  : plan.operations.size());
        for (size_t i = 0; i < shown; ++i)
            print_operation(out, plan.operations[i]);
        if (shown < plan.operation_count())
            out << "  ... and " << plan.operation_count() - shown
                << " more operations, counted below (--show N or --show-all prints them)\n";
        out << '\n';
    }
    const auto counts = plan.counts();
    // A count in its operations' colour when there are any.
    auto count = [&](OperationKind kind, const char* what) {
        const auto text = std::to_string(counts[kind]) + what;
        return Painted{counts[kind] > 0 ? tone_of(kind) : Tone::plain, text};
    };
    out << "Plan: " << count(OperationKind::create, " to create") << ", "
        << count(OperationKind::update, " to update") << ", "
        << count(OperationKind::deactivate, " to deactivate") << ", "
        << count(OperationKind::reactivate, " to reactivate") << ", ";
    if (counts[OperationKind::remove] > 0)
        out << count(OperationKind::remove, " to delete") << ", ";
    if (counts[OperationKind::link_manager] > 0)
        out << count(OperationKind::link_manager, " managers to link") << ", ";
    out << plan.unchanged << " unchanged.\n";
    if (const auto repairs = std::ranges::count(plan.operations, true, &state::Operation::repair);
        repairs > 0)
        out << "Of these, " << repairs
            << " repair drift (* repair): the target no longer held what was sent.\n";
    if (plan.protected_keys > 0)
        out << "Left alone: " << plan.protected_keys
            << " users whose source records were rejected.\n";
    if (plan.held > 0)
        out << "Left alone: " << plan.held
            << " users out of scope (\"leave\") or not yet in their pre-hire window.\n";
    if (!plan.switched_off.empty()) {
        out << "Not sent, switched off in target.operations: " << plan.switched_off.size()
            << " operations:";
        const size_t listed = std::min(show, plan.switched_off.size());
        for (size_t i = 0; i < listed; ++i)
            out << (i ? ", " : " ") << state::verb(plan.switched_off[i].kind) << " "
                << plan.switched_off[i].key;
        out << (listed < plan.switched_off.size() ? ", ..." : "") << '\n';
    }
    if (plan.terminated_without_account > 0)
        out << "Not created: " << plan.terminated_without_account
            << " people whose last day has passed and who have no account (never made, or deleted "
               "after the grace).\n";
    for (const auto& unlinked : plan.unlinked_managers)
        out << "Manager not linked: " << unlinked << '\n';
    print_rejected_links(out, plan.rejected_links, show);
    print_absent(out, plan, show);
    if (!plan.withheld.empty()) {
        out << "\n"
            << Painted{Tone::warning, "WITHHELD"} << ": " << plan.withheld.size()
            << (plan.count_withheld(OperationKind::update) == 0 ? " deactivations and deletions"
                                                                : " operations")
            << ", because " << *plan.withheld_reason << ":\n";
        const size_t shown = std::min(show, plan.withheld.size());
        for (size_t i = 0; i < shown; ++i) {
            const auto& operation = plan.withheld[i];
            out << "  "
                << (operation.kind == OperationKind::remove   ? "x "
                    : operation.kind == OperationKind::update ? "~ "
                                                              : "- ")
                << operation.key;
            if (operation.kind == OperationKind::update)
                out << " (" << operation.details().decision << ")";
            out << '\n';
        }
        if (shown < plan.withheld.size())
            out << "  ... and " << plan.withheld.size() - shown
                << " more (--show-all lists them)\n";
        // The set an approval names (users' and groups' alike) follows the groups' plan
        // (agent/approval.hpp, print_withheld_set).
    }
}

} // namespace hr2scim::agent
