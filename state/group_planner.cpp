#include "state/body_hash.hpp"
#include "state/group_plan.hpp"
#include "state/planner.hpp"
#include "state/source_key.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <unordered_map>

namespace hr2scim::state {
namespace {

// Whether a person's account is off after this run by their mapped `active` (a status mapped to
// false): their body says so, or, once let go of as unchanged, the state does.
bool mapped_inactive(const scim::DesiredResource& person, const StoredIndex& users) {
    if (person.let_go_of) {
        const auto* user = users.find(person.key);
        return user && user->status == ResourceStatus::deactivated;
    }
    // A packed body is compact JSON: without this text it cannot be inactive, and the parse
    // (a million people on a first sync) is saved.
    if (!person.packed.empty() &&
        person.packed.text().find("\"active\":false") == std::string::npos)
        return false;
    const auto body = person.unpacked_body();
    const auto active = body.is_object() ? body.find("active") : body.end();
    return body.is_object() && active != body.end() && active->is_boolean() && !active->get<bool>();
}

// Why a member leaves a group, or nothing when they stay.
class Leaving {
  public:
    Leaving(const GroupInputs& inputs, const GroupPolicy& policy)
        : m_policy(policy), m_users(inputs.users, policy.case_sensitive_keys) {
        for (const auto& person : inputs.people) {
            m_people.emplace(id(person.key), &person);
            if (!person.groups.empty() && holds_groups(person) && mapped_inactive(person, m_users))
                m_inactive.insert(id(person.key));
        }
        for (const auto& key : inputs.protected_keys)
            m_protected.insert(id(key));
        for (const auto& operation : inputs.user_plan.operations)
            m_user_operations[id(operation.key)] = operation.kind;
        for (const auto& operation : inputs.user_plan.withheld)
            m_withheld.insert(id(operation.key));
    }

    [[nodiscard]] std::string id(std::string_view key) const {
        return identity_key(key, m_policy.case_sensitive_keys);
    }

    // Provisioned, yet switched off by the mapping: a member of nothing while inactive.
    [[nodiscard]] bool inactive(const std::string& key) const {
        return m_inactive.contains(id(key));
    }

    // Someone who holds groups and has an active account, or gets one in this run.
    [[nodiscard]] bool can_join(const std::string& key) const {
        const auto identity = id(key);
        if (m_inactive.contains(identity)) return false;
        auto operation = m_user_operations.find(identity);
        if (operation != m_user_operations.end())
            return operation->second == OperationKind::create ||
                   operation->second == OperationKind::update ||
                   operation->second == OperationKind::reactivate ||
                   operation->second == OperationKind::link_manager;
        const auto* user = m_users.find(key);
        return user && !user->scim_id.empty() && user->status == ResourceStatus::active;
    }

    // The reason a member of a group they no longer belong to leaves it; nothing: they stay.
    [[nodiscard]] std::optional<std::string> reason(const std::string& key) const {
        const auto identity = id(key);
        if (m_protected.contains(identity) || m_withheld.contains(identity)) return std::nullopt;
        if (auto operation = m_user_operations.find(identity);
            operation != m_user_operations.end()) {
            if (operation->second == OperationKind::remove) return "deleted";
            if (operation->second == OperationKind::deactivate)
                return m_policy.keep_deactivated_members
                           ? std::nullopt
                           : std::optional<std::string>("deactivated");
        }
        if (m_inactive.contains(identity)) // deactivated by the mapping, in this run or before
            return m_policy.keep_deactivated_members ? std::nullopt
                                                     : std::optional<std::string>("deactivated");
        auto person = m_people.find(identity);
        if (person != m_people.end()) {
            if (holds_groups(*person->second)) return "no longer in this group";
            if (person->second->disposition == scim::Disposition::hold) return std::nullopt;
        }
        const auto* user = m_users.find(key);
        if (!user) return "has no account";
        if (user->status == ResourceStatus::deactivated && !m_policy.keep_deactivated_members)
            return "deactivated";
        return std::nullopt;
    }

  private:
    const GroupPolicy& m_policy;
    std::unordered_map<std::string, const scim::DesiredResource*> m_people;
    StoredIndex m_users;
    std::unordered_map<std::string, OperationKind> m_user_operations;
    std::set<std::string> m_protected;
    std::set<std::string> m_withheld;
    std::set<std::string> m_inactive; // identities of provisioned people mapped inactive
};

GroupOperation group_operation(GroupOperationKind kind, const std::string& key,
                               const std::string& scim_id, const std::string& display_name) {
    GroupOperation operation;
    operation.kind = kind;
    operation.key = key;
    operation.scim_id = scim_id;
    operation.display_name = display_name;
    return operation;
}

// Member changes in chunks the target accepts in one PATCH (with the members' ids, if known).
void add_chunks(std::vector<GroupOperation>& out, const GroupOperation& shape,
                const std::vector<std::string>& members, size_t per_patch,
                const std::vector<std::string>& ids = {}) {
    per_patch = std::max<size_t>(1, per_patch);
    auto slice = [](const std::vector<std::string>& all, size_t from, size_t to) {
        return std::vector<std::string>(all.begin() + static_cast<std::ptrdiff_t>(from),
                                        all.begin() + static_cast<std::ptrdiff_t>(to));
    };
    for (size_t from = 0; from < members.size(); from += per_patch) {
        GroupOperation chunk = shape;
        const auto to = std::min(members.size(), from + per_patch);
        chunk.members = slice(members, from, to);
        if (ids.size() == members.size()) chunk.member_ids = slice(ids, from, to);
        out.push_back(std::move(chunk));
    }
}

class GroupPlanner {
  public:
    GroupPlanner(const GroupInputs& inputs, const GroupPolicy& policy)
        : m_inputs(inputs), m_policy(policy), m_leaving(inputs, policy),
          m_unreadable(unreadable(inputs)) {}

    GroupPlan plan() {
        std::map<std::string, const StoredGroup*> stored;
        for (const auto& group : m_inputs.stored)
            stored.emplace(group.key, &group);
        for (const auto& group : m_inputs.desired) {
            auto found = stored.find(group.group.key);
            plan_group(&group, found == stored.end() ? nullptr : found->second);
            if (found != stored.end()) stored.erase(found);
        }
        for (const auto& [key, group] : stored)
            plan_group(nullptr, group); // no longer derived by any rule: its members leave
        return std::move(m_plan);
    }

  private:
    void plan_group(const DesiredGroup* desired, const StoredGroup* stored) {
        std::vector<std::string> joining;
        std::set<std::string> wanted;
        if (desired) {
            for (const auto& member : desired->members) {
                if (m_leaving.inactive(member)) continue; // members_leave_on says if they stay
                wanted.insert(m_leaving.id(member));
                if (m_leaving.can_join(member)) joining.push_back(member);
            }
        }
        std::vector<std::string> leaving;
        std::vector<std::string> leaving_ids;
        std::string why;
        size_t kept = 0;
        if (stored) {
            std::set<std::string> already;
            for (size_t i = 0; i < stored->members.size(); ++i) {
                const auto& member = stored->members[i];
                already.insert(m_leaving.id(member));
                if (wanted.contains(m_leaving.id(member))) {
                    ++kept;
                    continue;
                }
                if (auto reason = m_leaving.reason(member)) {
                    leaving.push_back(member);
                    leaving_ids.push_back(i < stored->member_ids.size() ? stored->member_ids[i]
                                                                        : std::string());
                    if (why.find(*reason) == std::string::npos)
                        why += (why.empty() ? "" : ", ") + *reason;
                } else {
                    ++kept;
                }
            }
            std::erase_if(joining, [&](const auto& member) {
                return already.contains(m_leaving.id(member));
            });
        }
        const std::string key = desired ? desired->group.key : stored->key;
        const std::string scim_id = stored ? stored->scim_id : std::string();
        const std::string name = desired ? desired->group.display_name : stored->display_name;
        const size_t before = m_plan.operations.size();
        const size_t withheld_before = m_plan.withheld.size();
        const bool exists = stored && !scim_id.empty();
        if (!exists && desired && !joining.empty()) {
            GroupOperation create = group_operation(GroupOperationKind::create, key, {}, name);
            create.external_id = desired->group.external_id;
            create.extension = desired->group.extension;
            create.resolve_first = stored != nullptr; // journaled by a run that did not finish
            create.managed_existing = m_policy.managed_names.contains(name);
            m_plan.operations.push_back(std::move(create));
        } else if (exists && desired && renamed(*desired, *stored)) {
            GroupOperation rename = group_operation(GroupOperationKind::rename, key, scim_id, name);
            rename.external_id = desired->group.external_id;
            rename.extension = desired->group.extension;
            m_plan.operations.push_back(std::move(rename));
        }
        if (!exists && joining.empty()) return; // nobody who can join: no group yet
        GroupOperation addition =
            group_operation(GroupOperationKind::add_members, key, scim_id, name);
        addition.resolve_first = stored && !stored->pending_members.empty();
        add_chunks(m_plan.operations, addition, joining, m_policy.max_member_changes_per_patch);
        std::vector<GroupOperation> removals;
        GroupOperation removal =
            group_operation(GroupOperationKind::remove_members, key, scim_id, name);
        removal.decision = why;
        add_chunks(removals, removal, leaving, m_policy.max_member_changes_per_patch, leaving_ids);
        const bool empty_after = stored && kept == 0 && joining.empty();
        if (empty_after && stored->created_by_hr2scim && m_policy.delete_empty_groups)
            removals.push_back(group_operation(GroupOperationKind::remove, key, scim_id, name));
        const size_t held_back_before = m_plan.held_back;
        if (m_unreadable && !removals.empty()) {
            m_plan.held_back +=
                leaving.size() + (removals.back().kind == GroupOperationKind::remove);
            m_plan.held_back_reason = m_unreadable;
        } else if (auto reason = gate(leaving.size(), stored ? stored->members.size() : 0,
                                      empty_after, name)) {
            std::ranges::move(removals, std::back_inserter(m_plan.withheld));
            m_plan.withheld_reasons.push_back(*reason);
        } else {
            std::ranges::move(removals, std::back_inserter(m_plan.operations));
        }
        if (stored && m_plan.operations.size() == before &&
            m_plan.withheld.size() == withheld_before && m_plan.held_back == held_back_before)
            ++m_plan.unchanged;
    }

    static bool renamed(const DesiredGroup& desired, const StoredGroup& stored) {
        return desired.group.display_name != stored.display_name ||
               desired.group.external_id != stored.external_id ||
               desired.group.extension != stored.extension;
    }

    [[nodiscard]] std::optional<std::string> gate(size_t removed, size_t members, bool empties,
                                                  const std::string& name) const {
        if (removed == 0) return std::nullopt;
        const std::string group = "group " + nlohmann::json(name).dump();
        if (empties)
            return "the run would empty " + group + " (" + std::to_string(removed) +
                   (removed == 1 ? " member" : " members") + " removed)";
        const double percent = 100.0 * static_cast<double>(removed) /
                               static_cast<double>(std::max<size_t>(members, 1));
        if (removed < 2 || percent <= m_policy.max_member_removal_percent) return std::nullopt;
        return std::to_string(removed) + " of the " + std::to_string(members) + " members of " +
               group + " would be removed (" + std::to_string(std::lround(percent)) +
               "%), more than safety.max_group_member_removal_percent (" +
               std::to_string(std::lround(m_policy.max_member_removal_percent)) + "%)";
    }

    // Why the read cannot say who left: a failed or incomplete source, or a read with nobody in
    // it whose deactivations the user plan withheld (and nobody approved).
    static std::optional<std::string> unreadable(const GroupInputs& inputs) {
        if (inputs.source_incomplete) return inputs.source_incomplete;
        if (inputs.people.empty() && !inputs.user_plan.withheld.empty())
            return inputs.user_plan.withheld_reason.value_or("the source returned no records");
        return std::nullopt;
    }

    const GroupInputs& m_inputs;
    const GroupPolicy& m_policy;
    Leaving m_leaving;
    std::optional<std::string> m_unreadable;
    GroupPlan m_plan;
};

} // namespace

std::string_view verb(GroupOperationKind kind) {
    switch (kind) {
    case GroupOperationKind::create:
        return "create group";
    case GroupOperationKind::rename:
        return "rename group";
    case GroupOperationKind::add_members:
        return "add to";
    case GroupOperationKind::remove_members:
        return "remove from";
    case GroupOperationKind::remove:
        return "delete group";
    }
    return "?";
}

size_t GroupPlan::count(GroupOperationKind kind) const {
    return static_cast<size_t>(std::ranges::count(operations, kind, &GroupOperation::kind));
}

std::vector<std::string> GroupPlan::withheld_items() const {
    std::vector<std::string> items;
    for (const auto& operation : withheld) {
        std::string item = std::string(verb(operation.kind)) + " " + operation.key;
        for (const auto& member : operation.members)
            item += " " + member;
        items.push_back(std::move(item));
    }
    return items;
}

void GroupPlan::release_withheld(const std::vector<std::string>& approved) {
    const auto items = withheld_items();
    std::vector<GroupOperation> still;
    for (size_t at = 0; at < withheld.size(); ++at) {
        if (std::ranges::find(approved, items[at]) != approved.end())
            operations.push_back(std::move(withheld[at]));
        else
            still.push_back(std::move(withheld[at]));
    }
    withheld = std::move(still);
    if (withheld.empty()) withheld_reasons.clear();
}

std::vector<std::string> withheld_items(const Plan& users, const GroupPlan* groups) {
    std::vector<std::string> items;
    if (users.stopped_by_gate) items = users.withheld_items();
    if (groups)
        for (auto& item : groups->withheld_items())
            items.push_back("group " + std::move(item));
    std::ranges::sort(items);
    return items;
}

std::string withheld_digest(const Plan& users, const GroupPlan* groups) {
    return digest(nlohmann::json(withheld_items(users, groups))).substr(0, 12);
}

void GroupPlan::release_withheld() {
    std::ranges::move(withheld, std::back_inserter(operations));
    withheld.clear();
    withheld_reasons.clear();
}

size_t GroupPlan::members(GroupOperationKind kind) const {
    size_t total = 0;
    for (const auto& operation : operations)
        if (operation.kind == kind) total += operation.members.size();
    return total;
}

bool holds_groups(const scim::DesiredResource& person) {
    return person.disposition == scim::Disposition::provision && !person.terminated;
}

std::vector<DesiredGroup> collect_groups(const std::vector<scim::DesiredResource>& people,
                                         bool case_sensitive_keys) {
    std::map<std::string, DesiredGroup> groups;
    std::map<std::string, std::set<std::string>> seen; // group key -> member identities
    for (const auto& person : people) {
        if (!holds_groups(person)) continue;
        for (const auto& membership : person.groups) {
            auto [at, added] = groups.try_emplace(membership.key, DesiredGroup{membership, {}});
            if (seen[membership.key].insert(identity_key(person.key, case_sensitive_keys)).second)
                at->second.members.push_back(person.key);
        }
    }
    std::vector<DesiredGroup> out;
    out.reserve(groups.size());
    for (auto& [key, group] : groups) {
        std::ranges::sort(group.members);
        out.push_back(std::move(group));
    }
    return out;
}

GroupPlan plan_groups(const GroupInputs& inputs, const GroupPolicy& policy) {
    return GroupPlanner(inputs, policy).plan();
}

} // namespace hr2scim::state
