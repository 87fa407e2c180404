#include "agent/group_report.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hr2scim::agent {
namespace {

std::string quoted(const std::string& text) {
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Memberships one after another, in the order of the people who hold them.
class Tally {
  public:
    void add(const scim::GroupMembership& group, std::string_view person) {
        ++m_tally.memberships;
        auto at = m_first.find(group.key);
        if (at == m_first.end()) {
            m_first.emplace(group.key, First{&group, std::string(person)});
            return;
        }
        const auto& kept = *at->second.group;
        if (at->second.reported ||
            (kept.display_name == group.display_name && kept.extension == group.extension))
            return;
        at->second.reported = true;
        m_tally.conflicts.push_back(
            "group " + quoted(group.key) + " is " + quoted(kept.display_name) + " for " +
            at->second.person + " but " + quoted(group.display_name) +
            (kept.extension == group.extension ? "" : " (other attributes)") + " for " +
            std::string(person) + " (rule " + group.rule + "); the first is kept");
    }

    GroupTally done() {
        m_tally.groups = m_first.size();
        std::ranges::sort(m_tally.conflicts);
        return std::move(m_tally);
    }

  private:
    struct First {
        const scim::GroupMembership* group;
        std::string person;
        bool reported = false;
    };
    GroupTally m_tally;
    std::unordered_map<std::string, First> m_first;
};

} // namespace

GroupTally tally_groups(const std::vector<scim::DesiredResource>& people) {
    Tally tally;
    for (const auto& person : people)
        if (state::holds_groups(person))
            for (const auto& group : person.groups)
                tally.add(group, person.key);
    return tally.done();
}

GroupTally tally_groups(const PersonSummaries& people) {
    Tally tally;
    for (size_t i = 0; i < people.added() && !people.memberships().empty(); ++i) {
        if (people.removed(i)) continue;
        const auto person = people.person(i);
        for (auto group : person.groups)
            tally.add(people.memberships()[group], person.key);
    }
    return tally.done();
}

void print_group_tally(std::ostream& out, std::string_view label, const mappings::Mapping& mapping,
                       const GroupTally& tally) {
    if (mapping.groups.empty()) return;
    out << label << tally.groups << (tally.groups == 1 ? " group" : " groups") << " from "
        << mapping.groups.size() << (mapping.groups.size() == 1 ? " rule" : " rules") << ", "
        << tally.memberships << (tally.memberships == 1 ? " membership" : " memberships") << ".\n";
    for (const auto& conflict : tally.conflicts)
        out << "  ! " << conflict << '\n';
}

void print_group_plan(std::ostream& out, const mappings::Mapping& mapping, const GroupTally& tally,
                      const state::GroupPlan& plan) {
    if (mapping.groups.empty()) return;
    using Kind = state::GroupOperationKind;
    out << "Groups: " << tally.groups << (tally.groups == 1 ? " group" : " groups") << " from "
        << mapping.groups.size() << (mapping.groups.size() == 1 ? " rule" : " rules") << ", "
        << tally.memberships << (tally.memberships == 1 ? " membership" : " memberships")
        << "; as a plan: " << plan.count(Kind::create) << " to create, " << plan.count(Kind::rename)
        << " to rename, " << plan.members(Kind::add_members) << " members to add, "
        << plan.members(Kind::remove_members) << " to remove, " << plan.count(Kind::remove)
        << " to delete, " << plan.unchanged << " unchanged.\n";
    if (plan.held_back > 0)
        out << "  HELD BACK: " << plan.held_back
            << (plan.held_back == 1 ? " group change" : " group changes")
            << " (members leaving, empty groups deleted): " << *plan.held_back_reason
            << ". Unreadable is not absent: nobody leaves a group in this run.\n";
    for (const auto& reason : plan.withheld_reasons)
        out << "  WITHHELD: " << reason << '\n';
    for (const auto& conflict : tally.conflicts)
        out << "  ! " << conflict << '\n';
}

void print_group_operations(std::ostream& out, const state::GroupPlan& plan) {
    if (plan.operations.empty()) return;
    out << "Group changes (" << plan.operations.size() << "):\n";
    for (const auto& operation : plan.operations) {
        out << "  "
            << (operation.kind == state::GroupOperationKind::remove ||
                        operation.kind == state::GroupOperationKind::remove_members
                    ? '-'
                    : '+')
            << ' ' << state::verb(operation.kind) << ' ' << quoted(operation.display_name);
        for (size_t at = 0; at < operation.members.size(); ++at)
            out << (at == 0 ? ": " : ", ") << operation.members[at];
        if (!operation.decision.empty()) out << "  (" << operation.decision << ")";
        out << '\n';
    }
}

void print_person_groups(std::ostream& out, const mappings::Mapping& mapping,
                         const connectors::Record& record, const scim::DesiredResource& person,
                         mappings::Instant now) {
    if (mapping.groups.empty()) return;
    out << "\nGroups (groups: in " << mapping.file.string() << "):\n";
    for (const auto& group : person.groups) {
        out << "  " << quoted(group.display_name);
        if (!group.external_id.empty()) out << "  externalId " << quoted(group.external_id);
        if (!group.extension.is_null())
            out << "  "
                << group.extension.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out << "    from " << group.rule << '\n';
    }
    for (const auto& rule : mapping.groups) {
        if (std::ranges::any_of(person.groups, [&](const auto& g) { return g.rule == rule.name; }))
            continue;
        out << "  (" << rule.name << ": no group; ";
        auto blank = [](const std::string& item) { return mappings::trimmed(item).empty(); };
        if (rule.members && !mappings::evaluate(*rule.members, record, now).truthy())
            out << "members: " << rule.members_text << " is false)\n";
        else if (rule.for_each &&
                 std::ranges::all_of(mappings::evaluate(*rule.for_each, record, now).list(), blank))
            out << "for_each " << quoted(rule.for_each_text) << " gives no value)\n";
        else
            out << "display_name " << quoted(rule.display_name_text)
                << " is empty, or an earlier rule gave the same group)\n";
    }
    if (!state::holds_groups(person)) {
        out << "  => in no group while " << (person.terminated ? "terminated" : "not provisioned")
            << ": groups hold provisioned people only\n";
    } else if (const auto body = person.let_go_of ? nlohmann::json() : person.unpacked_body();
               body.is_object() && body.value("active", nlohmann::json()) == false) {
        out << "  => joins no group while the mapping makes the account inactive (active is "
               "false); a member leaves now, or on deletion with groups.members_leave_on: "
               "deletion\n";
    }
}

void print_groups_sent(std::ostream& out, const std::string& target,
                       const apply::GroupResults& results) {
    out << "Groups sent to target \"" << target << "\": " << results.created << " created, "
        << results.renamed << " renamed, " << results.members_added << " members added, "
        << results.members_removed << " removed, " << results.deleted << " deleted, "
        << results.failed << " failed"
        << (results.taken_over ? ", " + std::to_string(results.taken_over) + " taken over" : "")
        << ".\n";
    for (const auto& note : results.notes)
        out << "  = " << note << '\n';
    for (const auto& line : results.lines)
        out << "  ! " << line << '\n';
    if (results.not_sent > 0)
        out << "  ! " << results.not_sent
            << (results.not_sent == 1 ? " group change" : " group changes")
            << " not sent: the target was abandoned (" << *results.not_sent_because
            << "); the next sync sends them.\n";
    if (results.stopped > 0)
        out << "  " << results.stopped
            << (results.stopped == 1 ? " group change" : " group changes")
            << " not sent: hr2scim was asked to stop; the next run sends them.\n";
}

} // namespace hr2scim::agent
