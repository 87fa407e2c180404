#include "apply/group_operations.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

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

state::StoredGroup stored_form(const GroupOperation& operation, const std::string& id) {
    state::StoredGroup group;
    group.key = operation.key;
    group.scim_id = id;
    group.display_name = operation.display_name;
    group.external_id = operation.external_id;
    group.extension = operation.extension;
    return group;
}

std::string described(const json& group) {
    return "group " + quoted(group.value("displayName", "")) + " (id " + group.value("id", "") +
           (group.value("externalId", json()).is_string()
                ? ", externalId " + quoted(group["externalId"].get<std::string>())
                : std::string(", no externalId")) +
           ")";
}

// The extension values the rule sets, as the group holds them.
json held_extension(const GroupOperation& operation, const json& group) {
    if (!operation.extension.is_object()) return operation.extension;
    json held = json::object();
    for (const auto& [schema, attributes] : operation.extension.items())
        for (const auto& [name, value] : attributes.items())
            if (group.contains(schema) && group[schema].is_object() && group[schema].contains(name))
                held[schema][name] = group[schema][name];
    return held;
}

void fail(GroupOutcome& outcome, Result result, std::string why) {
    outcome.result = result;
    outcome.message = std::move(why);
}

void fail(GroupOutcome& outcome, const scim::CallError& error, const std::string& before = {}) {
    fail(outcome, classify(error), before + error.describe());
}

// A 400 that says one request carried too many members (Entra: "... exceeds the limit"; AWS:
// "members ... at most"): the request is halved, never repeated whole.
bool names_member_limit(const scim::CallError& error) {
    const Answer answer = answer_of(error);
    if (answer != Answer::bad_request && answer != Answer::too_large) return false;
    std::string text = error.detail + " " + error.scim_type;
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool about_members =
        text.find("member") != std::string::npos || text.find("operations") != std::string::npos;
    const bool a_limit = std::ranges::any_of(
        std::initializer_list<std::string_view>{"limit", "too many", "maximum", "exceed", "at most",
                                                "toomany"},
        [&](std::string_view word) { return text.find(word) != std::string::npos; });
    return (about_members && a_limit) || answer == Answer::too_large;
}

// The limit a refusal names ("at most 40 members"), when it names one below `sent`.
size_t limit_named(const scim::CallError& error, size_t sent) {
    size_t best = 0;
    const std::string& text = error.detail;
    for (size_t at = 0; at < text.size();) {
        if (std::isdigit(static_cast<unsigned char>(text[at])) == 0) {
            ++at;
            continue;
        }
        size_t value = 0;
        for (; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0; ++at)
            value = std::min<size_t>(value * 10 + static_cast<size_t>(text[at] - '0'), 1u << 20);
        if (value > 0 && value < sent) best = std::max(best, value);
    }
    return best;
}

} // namespace

std::set<std::string> member_ids(const json& group) {
    std::set<std::string> ids;
    if (!group.is_object()) return ids;
    const auto members = group.value("members", json::array());
    if (!members.is_array()) return ids;
    for (const auto& member : members)
        if (member.is_object() && member.value("value", json()).is_string())
            ids.insert(member["value"].get<std::string>());
    return ids;
}

struct GroupOperations::Existing {
    json group; // as the target answered the look-up
    bool ours;  // made by this config's rules: hr2scim may delete it once empty
};

GroupOperations::GroupOperations(scim::ScimClient& client, OutcomeSink& sink,
                                 std::mutex& sink_mutex,
                                 const std::vector<state::StoredResource>& users,
                                 bool case_sensitive_keys, size_t member_cap)
    : m_client(client), m_sink(sink), m_sink_mutex(sink_mutex), m_users(users, case_sensitive_keys),
      m_member_cap(member_cap) {
    for (const auto& user : users)
        if (!user.scim_id.empty() && user.status != state::ResourceStatus::pending_create)
            m_key_by_id.emplace(user.scim_id, user.key);
}

std::string failure_line(const GroupOperation& operation, const std::string& why) {
    return std::string(state::verb(operation.kind)) + " " + quoted(operation.display_name) + ": " +
           why;
}

GroupResults tally(const std::vector<GroupOutcome>& outcomes) {
    GroupResults results;
    for (const auto& outcome : outcomes) {
        const auto& operation = *outcome.operation;
        if (!outcome.note.empty()) results.notes.push_back(outcome.note);
        if (outcome.taken_over) ++results.taken_over;
        if (outcome.renamed) ++results.renamed;
        results.members_added += outcome.added_keys.size();
        if (outcome.deferred) {
            ++results.deferred;
            continue;
        }
        if (outcome.stopped) {
            ++results.stopped;
            continue;
        }
        if (outcome.not_sent) {
            ++results.not_sent;
            results.not_sent_because = outcome.message;
            continue;
        }
        if (outcome.result != Result::done) {
            ++results.failed;
            results.lines.push_back(failure_line(operation, outcome.message));
            continue;
        }
        switch (operation.kind) {
        case GroupOperationKind::create:
            if (!outcome.taken_over) ++results.created;
            break;
        case GroupOperationKind::remove_members:
            results.members_removed += outcome.removed_keys.size();
            break;
        case GroupOperationKind::remove:
            ++results.deleted;
            break;
        case GroupOperationKind::rename:
        case GroupOperationKind::add_members:
            break;
        }
    }
    return results;
}

GroupOutcome GroupOperations::run(const GroupOperation& operation) {
    GroupOutcome outcome;
    outcome.operation = &operation;
    if (operation.kind == GroupOperationKind::create) {
        create(operation, outcome);
        return outcome;
    }
    auto id = group_id(operation);
    if (!id) { // its create failed, and was counted: this one says so and is not sent
        fail(outcome, Result::skipped, "the group was not created");
        return outcome;
    }
    switch (operation.kind) {
    case GroupOperationKind::rename:
        rename(operation, *id, outcome);
        break;
    case GroupOperationKind::add_members:
        add_members(operation, *id, outcome);
        break;
    case GroupOperationKind::remove_members:
        remove_members(operation, *id, outcome);
        break;
    case GroupOperationKind::remove:
        remove(*id, outcome);
        break;
    case GroupOperationKind::create:
        break;
    }
    return outcome;
}

// The group's id: as this run created or found it, or as planned.
std::optional<std::string> GroupOperations::group_id(const GroupOperation& operation) {
    std::lock_guard lock(m_mutex);
    if (auto made = m_made.find(operation.key); made != m_made.end()) return made->second;
    if (!operation.scim_id.empty()) return operation.scim_id;
    return std::nullopt;
}

// The groups the target holds whose `field` is exactly `value`: each answer is checked, so a
// target that ignores the filter never makes another group look like this one.
auto GroupOperations::find(const char* field, const std::string& value)
    -> Checked<std::vector<json>> {
    const std::string filter = std::string(field) + " eq " + quoted(value);
    auto found = m_client.find(scim::ResourceType::group, filter);
    if (!found)
        return tl::unexpected(Failure{classify(found.error()), "looking it up (" + filter + "): " +
                                                                   found.error().describe()});
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
bool GroupOperations::holds_only_ours(const json& group) const {
    const auto members = group.value("members", json::array());
    if (!members.is_array() || members.empty()) return false;
    return std::ranges::all_of(members, [&](const json& member) {
        return member.is_object() && member.value("value", json()).is_string() &&
               m_key_by_id.contains(member["value"].get<std::string>());
    });
}

// The group the target already holds that this create is about, if any. Taken over: one with
// the rule's externalId (ours); a journaled create's (ours); a managed name's (the target's own,
// never deleted); without an externalId in the rule, one of that name that holds only people
// hr2scim manages here (what this rule made, before the state was lost). Any other group of
// that name is someone else's: an error that says which, and nothing is created a second time.
auto GroupOperations::existing(const GroupOperation& operation, GroupOutcome& outcome)
    -> Checked<std::optional<Existing>> {
    const bool managed = operation.managed_existing;
    if (!operation.external_id.empty()) {
        auto found = find("externalId", operation.external_id);
        // A target that cannot filter groups by externalId (4xx) is asked by name below.
        if (!found && found.error().result != Result::refused) return tl::unexpected(found.error());
        if (!found) found.emplace();
        if (found->size() > 1)
            return tl::unexpected(Failure{
                Result::conflict, "the target holds " + std::to_string(found->size()) +
                                      " groups with externalId " + quoted(operation.external_id) +
                                      ": which one is ours is unknown"});
        if (found->size() == 1) return Existing{found->front(), !managed};
    }
    auto named = find("displayName", operation.display_name);
    if (!named && named.error().result == Result::refused) {
        // A target that filters no group: created as before; its 409 still guards the name.
        outcome.note =
            failure_line(operation, "created without a look-up, the target refused it (" +
                                        named.error().why + ")");
        return std::optional<Existing>();
    }
    if (!named) return tl::unexpected(named.error());
    if (named->empty()) return std::optional<Existing>();
    if (named->size() > 1)
        return tl::unexpected(
            Failure{Result::conflict, "the target holds " + std::to_string(named->size()) +
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

void GroupOperations::create(const GroupOperation& operation, GroupOutcome& outcome) {
    auto found = existing(operation, outcome);
    if (!found) return fail(outcome, found.error().result, found.error().why);
    if (*found) return take_over(operation, **found, outcome);
    {
        std::lock_guard lock(m_sink_mutex);
        m_sink.journal_group_create(operation, stored_form(operation, {}));
    }
    auto answer = m_client.create(scim::ResourceType::group, group_body(operation));
    if (!answer) {
        if (answer_of(answer.error()) ==
            Answer::exists) { // nothing was created: no journal to resolve
            outcome.forget = true;
            return fail(outcome, answer.error(),
                        "the target already holds a group of that name, which hr2scim did not "
                        "create; it is left alone: ");
        }
        return fail(outcome, answer.error());
    }
    auto id = answer->find("id");
    if (id == answer->end() || !id->is_string() || id->get<std::string>().empty()) {
        // Committed or not, unknown: the journal makes the next run look it up first.
        return fail(outcome, Result::unknown,
                    "the target's answer has no id; the next run looks it up");
    }
    adopt(operation, id->get<std::string>(), true, outcome);
}

// An existing group becomes this rule's: recorded as the target holds it (a different name or
// externalId is then renamed), with the members of ours that it already holds.
void GroupOperations::take_over(const GroupOperation& operation, const Existing& found,
                                GroupOutcome& outcome) {
    const auto id = found.group["id"].get<std::string>();
    {
        std::lock_guard lock(m_mutex);
        m_adopted.insert(id);
    }
    outcome.taken_over = true;
    outcome.note = failure_line(operation, "taken over " + described(found.group) +
                                               (found.ours ? "" : "; hr2scim never deletes it"));
    if (operation.managed_existing) return adopt(operation, id, false, outcome);
    auto group = stored_form(operation, id);
    group.display_name = found.group.value("displayName", "");
    group.external_id = found.group.value("externalId", json("")).is_string()
                            ? found.group.value("externalId", "")
                            : std::string();
    group.extension = held_extension(operation, found.group);
    group.created_by_hr2scim = found.ours;
    outcome.save = group;
    {
        std::lock_guard lock(m_mutex);
        m_made[operation.key] = id;
    }
    for (const auto& held : member_ids(found.group))
        if (auto key = m_key_by_id.find(held); key != m_key_by_id.end()) {
            outcome.added_keys.push_back(key->second);
            outcome.added_ids.push_back(key->first);
        }
    if (group.display_name != operation.display_name ||
        group.external_id != operation.external_id || group.extension != operation.extension)
        rename(operation, id, outcome);
}

void GroupOperations::adopt(const GroupOperation& operation, const std::string& id, bool ours,
                            GroupOutcome& outcome) {
    auto group = stored_form(operation, id);
    group.created_by_hr2scim = ours;
    outcome.save = std::move(group);
    std::lock_guard lock(m_mutex);
    m_made[operation.key] = id;
}

void GroupOperations::rename(const GroupOperation& operation, const std::string& id,
                             GroupOutcome& outcome) {
    std::vector<scim::PatchOperation> changes{
        {"replace", "displayName", json(operation.display_name)}};
    if (!operation.external_id.empty())
        changes.push_back({"replace", "externalId", json(operation.external_id)});
    if (operation.extension.is_object())
        for (const auto& [schema, attributes] : operation.extension.items())
            for (const auto& [name, value] : attributes.items())
                changes.push_back({"replace", schema + ":" + name, value});
    auto answer = m_client.patch(scim::ResourceType::group, id, changes);
    if (!answer) return fail(outcome, answer.error());
    auto group = stored_form(operation, id);
    if (outcome.save) group.created_by_hr2scim = outcome.save->created_by_hr2scim;
    outcome.save = std::move(group);
    outcome.renamed = true;
}

// The member ids the target holds for a group.
auto GroupOperations::held_members(const std::string& id) -> Checked<std::set<std::string>> {
    auto group = m_client.get(scim::ResourceType::group, id);
    if (!group)
        return tl::unexpected(
            Failure{classify(group.error()), "reading its members: " + group.error().describe()});
    if (!group->is_object() || group->value("id", json()) != json(id))
        return tl::unexpected(
            Failure{Result::unknown, "reading its members: the answer is not the group"});
    return member_ids(*group);
}

std::optional<scim::CallError> GroupOperations::send_members(const std::string& id, size_t count,
                                                             const MemberRequest& request,
                                                             bool removal, size_t& done,
                                                             GroupOutcome& outcome) {
    done = 0;
    size_t chunk = m_member_cap.load();
    if (chunk == 0 || chunk > count) chunk = count;
    bool halved = false;
    while (done < count) {
        const size_t size = std::min(chunk, count - done);
        auto answer = m_client.patch(scim::ResourceType::group, id, request(done, done + size));
        // noTarget on a removal: none of them is a member any more (an earlier removal landed
        // unanswered).
        if (answer || (removal && answer_of(answer.error()) == Answer::no_target)) {
            done += size;
            if (halved) outcome.member_cap = std::max(outcome.member_cap, size);
            continue;
        }
        if (size > 1 && names_member_limit(answer.error())) {
            const size_t named = limit_named(answer.error(), size);
            chunk = named > 0 ? named : size / 2;
            halved = true;
            outcome.member_cap_evidence =
                std::to_string(size) + " members in one request: " + answer.error().describe();
            size_t cap = m_member_cap.load();
            while ((cap == 0 || chunk < cap) && !m_member_cap.compare_exchange_weak(cap, chunk)) {
            }
            continue;
        }
        return answer.error();
    }
    return std::nullopt;
}

void GroupOperations::add_members(const GroupOperation& operation, const std::string& id,
                                  GroupOutcome& outcome) {
    std::optional<std::set<std::string>> held;
    // An earlier addition may have landed unanswered, or the group was taken over: only those
    // it does not hold yet are sent.
    bool adopted = false;
    {
        std::lock_guard lock(m_mutex);
        adopted = m_adopted.contains(id);
    }
    if (operation.resolve_first || adopted) {
        auto members = held_members(id);
        if (!members) return fail(outcome, members.error().result, members.error().why);
        held = std::move(*members);
    }
    std::vector<std::string> keys, ids;
    for (const auto& member : operation.members) {
        const auto* user = m_users.find(member);
        if (!user || user->scim_id.empty() || user->status == state::ResourceStatus::pending_create)
            continue;                                // their create failed: the next run adds them
        if (held && held->contains(user->scim_id)) { // already in: recorded, not sent again
            outcome.added_keys.push_back(member);
            outcome.added_ids.push_back(user->scim_id);
            continue;
        }
        keys.push_back(member);
        ids.push_back(user->scim_id);
    }
    if (keys.empty()) return;
    {
        std::lock_guard lock(m_sink_mutex);
        m_sink.journal_group_members(operation, keys, ids);
    }
    // One "add" of the chunk's members per request.
    size_t done = 0;
    const auto error = send_members(
        id, ids.size(),
        [&](size_t from, size_t to) {
            json values = json::array();
            for (size_t at = from; at < to; ++at)
                values.push_back({{"value", ids[at]}});
            return std::vector<scim::PatchOperation>{{"add", "members", values}};
        },
        false, done, outcome);
    for (size_t at = 0; at < done; ++at) {
        outcome.added_keys.push_back(keys[at]);
        outcome.added_ids.push_back(ids[at]);
    }
    if (error) return fail(outcome, *error);
}

void GroupOperations::remove_members(const GroupOperation& operation, const std::string& id,
                                     GroupOutcome& outcome) {
    std::vector<scim::PatchOperation> changes;
    for (const auto& member_id : operation.member_ids)
        changes.push_back({"remove", "members[value eq " + quoted(member_id) + "]", {}});
    if (changes.size() != operation.members.size())
        return fail(outcome, Result::refused, "the ids the members were added with are not known");
    size_t done = 0;
    const auto error = send_members(
        id, changes.size(),
        [&](size_t from, size_t to) {
            return std::vector<scim::PatchOperation>(
                changes.begin() + static_cast<std::ptrdiff_t>(from),
                changes.begin() + static_cast<std::ptrdiff_t>(to));
        },
        true, done, outcome);
    outcome.removed_keys.assign(operation.members.begin(),
                                operation.members.begin() + static_cast<std::ptrdiff_t>(done));
    if (error) return fail(outcome, *error);
}

void GroupOperations::remove(const std::string& id, GroupOutcome& outcome) {
    auto answer = m_client.remove(scim::ResourceType::group, id);
    if (!answer && answer_of(answer.error()) != Answer::not_found)
        return fail(outcome, answer.error());
    outcome.forget = true;
}

} // namespace hr2scim::apply
