#include "apply/group_executor.hpp"

#include "http/url.hpp"
#include "state/planner.hpp"

#include <map>
#include <optional>
#include <set>

namespace hr2scim::apply {
namespace {

using nlohmann::json;
using state::GroupOperation;
using state::GroupOperationKind;

constexpr const char* k_group_schema = "urn:ietf:params:scim:schemas:core:2.0:Group";

json group_body(const GroupOperation& operation) {
    json body = {{"schemas", {k_group_schema}}, {"displayName", operation.display_name}};
    if (!operation.external_id.empty()) body["externalId"] = operation.external_id;
    if (operation.extension.is_object())
        for (const auto& [schema, attributes] : operation.extension.items()) {
            body["schemas"].push_back(schema);
            body[schema] = attributes;
        }
    return body;
}

std::string quoted(const std::string& text) {
    return json(text).dump();
}

class GroupSender {
  public:
    GroupSender(const GroupTarget& target, const std::vector<state::StoredResource>& users)
        : m_target(target), m_users(users, target.case_sensitive_keys) {}

    GroupResults send(const state::GroupPlan& plan) {
        for (const auto& operation : plan.operations)
            send_one(operation);
        return std::move(m_results);
    }

  private:
    void fail(const GroupOperation& operation, const std::string& why) {
        ++m_results.failed;
        m_results.lines.push_back(std::string(state::verb(operation.kind)) + " " +
                                  quoted(operation.display_name) + ": " + why);
    }

    // The group's id: as planned, or as this run created or found it.
    std::optional<std::string> group_id(const GroupOperation& operation) const {
        if (auto made = m_made.find(operation.key); made != m_made.end()) return made->second;
        if (!operation.scim_id.empty()) return operation.scim_id;
        return std::nullopt;
    }

    state::StoredGroup stored_form(const GroupOperation& operation, const std::string& id) const {
        state::StoredGroup group;
        group.key = operation.key;
        group.scim_id = id;
        group.display_name = operation.display_name;
        group.external_id = operation.external_id;
        group.extension = operation.extension;
        return group;
    }

    // A group the target holds that is this one: the same externalId (or, without one, the same
    // display name), and only one such. Nothing when none; an error when it cannot tell.
    tl::expected<std::optional<std::string>, std::string> look_up(const GroupOperation& operation,
                                                                  bool by_name = false) {
        const bool by_external_id = !operation.external_id.empty() && !by_name;
        const std::string filter = by_external_id
                                       ? "externalId eq " + quoted(operation.external_id)
                                       : "displayName eq " + quoted(operation.display_name);
        auto found = m_target.client.find_groups(filter);
        if (!found) return tl::unexpected("looking it up: " + found.error().describe());
        std::vector<std::string> ids;
        for (const auto& group : *found) { // the target may ignore the filter: check each
            const auto* field = by_external_id ? "externalId" : "displayName";
            const auto wanted = by_external_id ? operation.external_id : operation.display_name;
            if (!group.is_object() || group.value(field, json()) != json(wanted)) continue;
            if (!group.contains("id") || !group["id"].is_string() ||
                group["id"].get<std::string>().empty())
                return tl::unexpected(std::string("the look-up answered a group without an id"));
            ids.push_back(group["id"].get<std::string>());
        }
        if (ids.size() > 1)
            return tl::unexpected("the target holds " + std::to_string(ids.size()) +
                                  " groups with " + filter + ": which one is ours is unknown");
        if (ids.empty()) return std::optional<std::string>();
        return std::optional<std::string>(ids.front());
    }

    void create(const GroupOperation& operation) {
        if (operation.managed_existing) { // named in the config: the target's own group
            auto found = look_up(operation, true);
            if (!found) return fail(operation, found.error());
            if (*found) return adopt(operation, **found, false);
        }
        if (operation.resolve_first) { // journaled by a run that may have sent it
            auto found = look_up(operation);
            if (!found) return fail(operation, found.error());
            if (*found) return adopt(operation, **found);
        }
        m_target.store.journal_group_create(m_target.name, stored_form(operation, {}));
        auto answer = m_target.client.create_group(group_body(operation));
        if (!answer) {
            if (answer.error().status == 409)
                return fail(operation, "the target already holds a group of that name, which "
                                       "hr2scim did not create; it is left alone (" +
                                           answer.error().describe() + ")");
            return fail(operation, answer.error().describe());
        }
        auto id = answer->find("id");
        if (id == answer->end() || !id->is_string() || id->get<std::string>().empty()) {
            // Committed or not, unknown: the journal makes the next run look it up first.
            return fail(operation, "the target's answer has no id; the next run looks it up");
        }
        adopt(operation, id->get<std::string>());
        ++m_results.created;
    }

    void adopt(const GroupOperation& operation, const std::string& id, bool ours = true) {
        auto group = stored_form(operation, id);
        group.created_by_hr2scim = ours;
        m_target.store.save_group(m_target.name, group);
        m_made[operation.key] = id;
    }

    void rename(const GroupOperation& operation, const std::string& id) {
        std::vector<scim::PatchOperation> changes{
            {"replace", "displayName", json(operation.display_name)}};
        if (!operation.external_id.empty())
            changes.push_back({"replace", "externalId", json(operation.external_id)});
        if (operation.extension.is_object())
            for (const auto& [schema, attributes] : operation.extension.items())
                for (const auto& [name, value] : attributes.items())
                    changes.push_back({"replace", schema + ":" + name, value});
        auto answer = m_target.client.patch_group(id, changes);
        if (!answer) return fail(operation, answer.error().describe());
        m_target.store.save_group(m_target.name, stored_form(operation, id));
        ++m_results.renamed;
    }

    // The member ids the target holds for a group, read once per run.
    tl::expected<const std::set<std::string>*, std::string> held_members(const std::string& id) {
        if (auto known = m_held.find(id); known != m_held.end()) return &known->second;
        auto group = m_target.client.get_json("/Groups/" + http::url_encode(id));
        if (!group) return tl::unexpected("reading its members: " + group.error().describe());
        if (!group->is_object() || group->value("id", json()) != json(id))
            return tl::unexpected(std::string("reading its members: the answer is not the group"));
        std::set<std::string> members;
        for (const auto& member : group->value("members", json::array()))
            if (member.is_object() && member.contains("value") && member["value"].is_string())
                members.insert(member["value"].get<std::string>());
        return &(m_held[id] = std::move(members));
    }

    void add_members(const GroupOperation& operation, const std::string& id) {
        const std::set<std::string>* held = nullptr;
        if (operation.resolve_first) { // an earlier addition may have landed unanswered
            auto members = held_members(id);
            if (!members) return fail(operation, members.error());
            held = *members;
        }
        std::vector<std::string> keys, ids, there_keys, there_ids;
        json values = json::array();
        for (const auto& member : operation.members) {
            const auto* user = m_users.find(member);
            if (!user || user->scim_id.empty() ||
                user->status == state::ResourceStatus::pending_create)
                continue; // their create failed: the next run adds them
            if (held && held->contains(user->scim_id)) { // already in: recorded, not sent again
                there_keys.push_back(member);
                there_ids.push_back(user->scim_id);
                continue;
            }
            keys.push_back(member);
            ids.push_back(user->scim_id);
            values.push_back({{"value", user->scim_id}});
        }
        if (!there_keys.empty())
            m_target.store.add_group_members(m_target.name, operation.key, there_keys, there_ids);
        if (keys.empty()) return;
        m_target.store.add_group_members(m_target.name, operation.key, keys, ids, true);
        auto answer = m_target.client.patch_group(id, {{"add", "members", values}});
        if (!answer) return fail(operation, answer.error().describe());
        m_target.store.add_group_members(m_target.name, operation.key, keys, ids);
        m_results.members_added += keys.size();
    }

    void remove_members(const GroupOperation& operation, const std::string& id) {
        std::vector<scim::PatchOperation> changes;
        for (const auto& member_id : operation.member_ids)
            changes.push_back({"remove", "members[value eq " + quoted(member_id) + "]", {}});
        if (changes.size() != operation.members.size())
            return fail(operation, "the ids the members were added with are not known");
        auto answer = m_target.client.patch_group(id, changes);
        // noTarget: none of them is a member any more (an earlier removal landed unanswered).
        if (!answer && answer.error().scim_type != "noTarget")
            return fail(operation, answer.error().describe());
        m_target.store.remove_group_members(m_target.name, operation.key, operation.members);
        m_results.members_removed += operation.members.size();
    }

    void remove(const GroupOperation& operation, const std::string& id) {
        auto answer = m_target.client.delete_group(id);
        if (!answer && answer.error().status != 404)
            return fail(operation, answer.error().describe());
        m_target.store.forget_group(m_target.name, operation.key);
        ++m_results.deleted;
    }

    void send_one(const GroupOperation& operation) {
        if (operation.kind == GroupOperationKind::create) return create(operation);
        auto id = group_id(operation);
        if (!id) return fail(operation, "the group was not created");
        switch (operation.kind) {
        case GroupOperationKind::rename:
            return rename(operation, *id);
        case GroupOperationKind::add_members:
            return add_members(operation, *id);
        case GroupOperationKind::remove_members:
            return remove_members(operation, *id);
        case GroupOperationKind::remove:
            return remove(operation, *id);
        case GroupOperationKind::create:
            break;
        }
    }

    const GroupTarget& m_target;
    state::StoredIndex m_users; // the state's users by identity key, with their SCIM ids
    std::map<std::string, std::string> m_made;           // group key -> id, this run
    std::map<std::string, std::set<std::string>> m_held; // group id -> member ids held
    GroupResults m_results;
};

} // namespace

GroupResults execute_groups(const GroupTarget& target, const state::GroupPlan& plan,
                            const std::vector<state::StoredResource>& users) {
    return GroupSender(target, users).send(plan);
}

} // namespace hr2scim::apply
