#include "apply/group_executor.hpp"

#include "http/url.hpp"
#include "state/planner.hpp"

#include <algorithm>
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
        : m_target(target), m_users(users, target.case_sensitive_keys), m_breaker(target.breaker) {
        for (const auto& user : users)
            if (!user.scim_id.empty() && user.status != state::ResourceStatus::pending_create)
                m_key_by_id.emplace(user.scim_id, user.key);
    }

    GroupResults send(const state::GroupPlan& plan) {
        for (const auto& operation : plan.operations) {
            if (auto why = m_breaker.tripped()) {
                ++m_results.not_sent;
                m_results.not_sent_because = why;
                continue;
            }
            const size_t failed_before = m_results.failed;
            m_last = Result::refused;
            send_one(operation);
            m_breaker.note(m_results.failed > failed_before ? m_last : Result::done);
        }
        return std::move(m_results);
    }

  private:
    struct Existing {
        json group; // as the target answered the look-up
        bool ours;  // made by this config's rules: hr2scim may delete it once empty
    };
    // Why an operation failed, and how that counts for the breaker.
    struct Failure {
        Result result;
        std::string why;
    };
    template <class T> using Checked = tl::expected<T, Failure>;

    // A failed call: its class counts for the breaker.
    void fail(const GroupOperation& operation, const scim::CallError& error,
              const std::string& before = {}) {
        fail(operation, {classify(error), before + error.describe()});
    }

    void fail(const GroupOperation& operation, const Failure& failure) {
        m_last = failure.result;
        fail(operation, failure.why);
    }

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

    // The groups the target holds whose `field` is exactly `value`: each answer is checked, so a
    // target that ignores the filter never makes another group look like this one.
    Checked<std::vector<json>> find(const char* field, const std::string& value) {
        const std::string filter = std::string(field) + " eq " + quoted(value);
        auto found = m_target.client.find_groups(filter);
        if (!found)
            return tl::unexpected(
                Failure{classify(found.error()),
                        "looking it up (" + filter + "): " + found.error().describe()});
        std::vector<json> out;
        for (auto& group : *found) {
            if (!group.is_object() || group.value(field, json()) != json(value)) continue;
            if (!group.contains("id") || !group["id"].is_string() ||
                group["id"].get<std::string>().empty())
                return tl::unexpected(
                    Failure{Result::unknown, "the look-up answered a group without an id"});
            out.push_back(std::move(group));
        }
        return out;
    }

    // Whether every member of a group the target holds is a user hr2scim manages here.
    [[nodiscard]] bool holds_only_ours(const json& group) const {
        const auto members = group.value("members", json::array());
        if (!members.is_array() || members.empty()) return false;
        return std::ranges::all_of(members, [&](const json& member) {
            return member.is_object() && member.value("value", json()).is_string() &&
                   m_key_by_id.contains(member["value"].get<std::string>());
        });
    }

    static std::string described(const json& group) {
        return "group " + quoted(group.value("displayName", "")) + " (id " + group.value("id", "") +
               (group.value("externalId", json()).is_string()
                    ? ", externalId " + quoted(group["externalId"].get<std::string>())
                    : std::string(", no externalId")) +
               ")";
    }

    // The group the target already holds that this create is about, if any. Taken over: one
    // with the rule's externalId (ours); a journaled create's (ours); a managed name's (the
    // target's own, never deleted); without an externalId in the rule, one of that name that
    // holds only people hr2scim manages here (what this rule made, before the state was lost).
    // Any other group of that name is someone else's: an error that says which, and nothing is
    // created a second time.
    Checked<std::optional<Existing>> existing(const GroupOperation& operation) {
        const bool managed = operation.managed_existing;
        if (!operation.external_id.empty()) {
            auto found = find("externalId", operation.external_id);
            // A target that cannot filter groups by externalId (4xx) is asked by name below.
            if (!found && found.error().result != Result::refused)
                return tl::unexpected(found.error());
            if (!found) found.emplace();
            if (found->size() > 1)
                return tl::unexpected(
                    Failure{Result::conflict, "the target holds " + std::to_string(found->size()) +
                                                  " groups with externalId " +
                                                  quoted(operation.external_id) +
                                                  ": which one is ours is unknown"});
            if (found->size() == 1) return Existing{found->front(), !managed};
        }
        auto named = find("displayName", operation.display_name);
        if (!named && named.error().result == Result::refused) {
            // A target that filters no group: created as before; its 409 still guards the name.
            m_results.notes.push_back(
                std::string(state::verb(operation.kind)) + " " + quoted(operation.display_name) +
                ": created without a look-up, the target refused it (" + named.error().why + ")");
            return std::optional<Existing>();
        }
        if (!named) return tl::unexpected(named.error());
        if (named->empty()) return std::optional<Existing>();
        if (named->size() > 1)
            return tl::unexpected(Failure{
                Result::conflict, "the target holds " + std::to_string(named->size()) +
                                      " groups named " + quoted(operation.display_name) +
                                      ": which one is meant is unknown; each is left alone"});
        const json& group = named->front();
        if (managed) return Existing{group, false};
        if (!operation.external_id.empty() &&
            group.value("externalId", json()) == json(operation.external_id))
            return Existing{group, true};
        const bool journaled = operation.resolve_first && operation.external_id.empty();
        if (journaled || (operation.external_id.empty() &&
                          !group.value("externalId", json()).is_string() && holds_only_ours(group)))
            return Existing{group, journaled};
        const std::string why =
            !operation.external_id.empty()
                ? "it lacks the rule's externalId " + quoted(operation.external_id)
            : group.value("externalId", json()).is_string()
                ? std::string("it has an externalId the rule does not give")
                : std::string("it holds members hr2scim does not manage here, or none");
        // A conflict: about this group, not about the target.
        return tl::unexpected(
            Failure{Result::conflict, "the target already holds " + described(group) +
                                          ", which this config did not make (" + why +
                                          "): it is left alone and not created a second time; "
                                          "`groups.managed` naming it takes it over"});
    }

    void create(const GroupOperation& operation) {
        auto found = existing(operation);
        if (!found) return fail(operation, found.error());
        if (*found) return take_over(operation, **found);
        m_target.store.journal_group_create(m_target.name, stored_form(operation, {}));
        auto answer = m_target.client.create_group(group_body(operation));
        if (!answer) {
            if (answer.error().status == 409) { // nothing was created: no journal to resolve
                m_target.store.forget_group(m_target.name, operation.key);
                return fail(operation, answer.error(),
                            "the target already holds a group of that name, which hr2scim did not "
                            "create; it is left alone: ");
            }
            return fail(operation, answer.error());
        }
        auto id = answer->find("id");
        if (id == answer->end() || !id->is_string() || id->get<std::string>().empty()) {
            // Committed or not, unknown: the journal makes the next run look it up first.
            return fail(operation, "the target's answer has no id; the next run looks it up");
        }
        adopt(operation, id->get<std::string>());
        ++m_results.created;
    }

    // An existing group becomes this rule's: recorded as the target holds it (a different
    // name or externalId is then renamed), with the members of ours that it already holds.
    void take_over(const GroupOperation& operation, const Existing& found) {
        const auto id = found.group["id"].get<std::string>();
        m_adopted.insert(id);
        ++m_results.taken_over;
        m_results.notes.push_back(std::string(state::verb(operation.kind)) + " " +
                                  quoted(operation.display_name) + ": taken over " +
                                  described(found.group) +
                                  (found.ours ? "" : "; hr2scim never deletes it"));
        if (operation.managed_existing) return adopt(operation, id, false);
        auto group = stored_form(operation, id);
        group.display_name = found.group.value("displayName", "");
        group.external_id = found.group.value("externalId", json("")).is_string()
                                ? found.group.value("externalId", "")
                                : std::string();
        group.extension = held_extension(operation, found.group);
        group.created_by_hr2scim = found.ours;
        m_target.store.save_group(m_target.name, group);
        m_made[operation.key] = id;
        std::vector<std::string> keys, ids;
        for (const auto& member : found.group.value("members", json::array()))
            if (member.is_object() && member.value("value", json()).is_string())
                if (auto key = m_key_by_id.find(member["value"].get<std::string>());
                    key != m_key_by_id.end()) {
                    keys.push_back(key->second);
                    ids.push_back(key->first);
                }
        if (!keys.empty())
            m_target.store.add_group_members(m_target.name, operation.key, keys, ids);
        if (group.display_name != operation.display_name ||
            group.external_id != operation.external_id || group.extension != operation.extension)
            rename(operation, id);
    }

    // The extension values the rule sets, as the group holds them.
    static json held_extension(const GroupOperation& operation, const json& group) {
        if (!operation.extension.is_object()) return operation.extension;
        json held = json::object();
        for (const auto& [schema, attributes] : operation.extension.items())
            for (const auto& [name, value] : attributes.items())
                if (group.contains(schema) && group[schema].is_object() &&
                    group[schema].contains(name))
                    held[schema][name] = group[schema][name];
        return held;
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
        if (!answer) return fail(operation, answer.error());
        m_target.store.save_group(m_target.name, stored_form(operation, id));
        ++m_results.renamed;
    }

    // The member ids the target holds for a group, read once per run.
    Checked<const std::set<std::string>*> held_members(const std::string& id) {
        if (auto known = m_held.find(id); known != m_held.end()) return &known->second;
        auto group = m_target.client.get_json("/Groups/" + http::url_encode(id));
        if (!group)
            return tl::unexpected(Failure{classify(group.error()),
                                          "reading its members: " + group.error().describe()});
        if (!group->is_object() || group->value("id", json()) != json(id))
            return tl::unexpected(
                Failure{Result::unknown, "reading its members: the answer is not the group"});
        std::set<std::string> members;
        for (const auto& member : group->value("members", json::array()))
            if (member.is_object() && member.contains("value") && member["value"].is_string())
                members.insert(member["value"].get<std::string>());
        return &(m_held[id] = std::move(members));
    }

    void add_members(const GroupOperation& operation, const std::string& id) {
        const std::set<std::string>* held = nullptr;
        // An earlier addition may have landed unanswered, or the group was taken over: only
        // those it does not hold yet are sent.
        if (operation.resolve_first || m_adopted.contains(id)) {
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
        if (!answer) return fail(operation, answer.error());
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
            return fail(operation, answer.error());
        m_target.store.remove_group_members(m_target.name, operation.key, operation.members);
        m_results.members_removed += operation.members.size();
    }

    void remove(const GroupOperation& operation, const std::string& id) {
        auto answer = m_target.client.delete_group(id);
        if (!answer && answer.error().status != 404) return fail(operation, answer.error());
        m_target.store.forget_group(m_target.name, operation.key);
        ++m_results.deleted;
    }

    void send_one(const GroupOperation& operation) {
        if (operation.kind == GroupOperationKind::create) return create(operation);
        auto id = group_id(operation);
        if (!id) {
            // Its create failed, and was counted: this one says so and is not sent.
            return fail(operation, {Result::skipped, "the group was not created"});
        }
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
    std::map<std::string, std::string> m_key_by_id;      // user SCIM id -> source key
    std::set<std::string> m_adopted;                     // groups taken over in this run
    GroupResults m_results;
    CircuitBreaker m_breaker;
    Result m_last = Result::done; // how the last failure counts (refused unless a call said)
};

} // namespace

GroupResults execute_groups(const GroupTarget& target, const state::GroupPlan& plan,
                            const std::vector<state::StoredResource>& users) {
    return GroupSender(target, users).send(plan);
}

} // namespace hr2scim::apply
