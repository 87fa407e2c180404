#include "apply/recorder.hpp"

#include <algorithm>

namespace hr2scim::apply {

void StateRecorder::journal_create(const state::Operation& operation, const nlohmann::json& body) {
    m_store.journal_create(m_target, operation.key, body);
}

void StateRecorder::record(const Outcome& outcome) {
    // What the state remembers and the audit entry land together, or neither.
    m_store.write_batch([&](state::StateStore& store) {
        switch (outcome.effect) {
        case Outcome::Effect::none:
            break;
        case Outcome::Effect::forget:
            store.forget(m_target, outcome.operation->key);
            break;
        case Outcome::Effect::save:
            store.save(m_target, {outcome.operation->key, outcome.scim_id, outcome.status,
                                  outcome.body, m_now, outcome.version});
            // Dated when it was sent, not when the run began: the log's entries for it follow.
            if (outcome.awaiting_confirmation)
                store.record_upload(
                    m_target, outcome.operation->key, outcome.scim_id,
                    std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
                    state::verb(outcome.operation->kind), outcome.operation->repair);
            break;
        }
        if (outcome.operation == nullptr) return;
        auto entry = audit_entry(*outcome.operation, m_target, m_run_id, m_sensitive);
        entry.status = outcome.awaiting_confirmation
                           ? std::string("accepted")
                           : std::string(to_string(outcome.result, outcome.stopped));
        if (outcome.result != Result::done) entry.error = outcome.message;
        if (!outcome.adoption.empty()) entry.error = outcome.adoption;
        store.append_audit(entry);
    });
}

void StateRecorder::journal_group_create(const state::GroupOperation& operation,
                                         const state::StoredGroup& group) {
    (void)operation;
    m_store.journal_group_create(m_target, group);
}

void StateRecorder::journal_group_members(const state::GroupOperation& operation,
                                          const std::vector<std::string>& keys,
                                          const std::vector<std::string>& ids) {
    m_store.add_group_members(m_target, operation.key, keys, ids, true);
}

namespace {

// What became of one member of a group operation: done when the target took it.
std::string member_status(const GroupOutcome& outcome, const std::string& key) {
    const auto& taken = outcome.operation->kind == state::GroupOperationKind::remove_members
                            ? outcome.removed_keys
                            : outcome.added_keys;
    if (std::ranges::find(taken, key) != taken.end()) return "done";
    return std::string(to_string(outcome.result == Result::done ? Result::skipped : outcome.result,
                                 outcome.stopped));
}

} // namespace

void StateRecorder::record_group(const GroupOutcome& outcome) {
    const auto& operation = *outcome.operation;
    m_store.write_batch([&](state::StateStore& store) {
        if (outcome.forget) {
            store.forget_group(m_target, operation.key);
        } else {
            // A group created (or taken over) starts from what the target holds now: rows left
            // from a group that vanished from the target are not its members.
            if (operation.kind == state::GroupOperationKind::create && outcome.save)
                store.forget_group(m_target, operation.key);
            if (outcome.save) store.save_group(m_target, *outcome.save);
            if (!outcome.added_keys.empty())
                store.add_group_members(m_target, operation.key, outcome.added_keys,
                                        outcome.added_ids);
            if (!outcome.removed_keys.empty())
                store.remove_group_members(m_target, operation.key, outcome.removed_keys);
        }
        state::AuditEntry entry;
        entry.run_id = m_run_id;
        entry.target = m_target;
        entry.key = operation.key;
        entry.operation = std::string(state::verb(operation.kind));
        entry.reason = operation.decision;
        entry.status = std::string(to_string(outcome.result, outcome.stopped));
        if (outcome.result != Result::done) entry.error = outcome.message;
        if (!outcome.note.empty()) entry.error = outcome.note;
        if (operation.kind == state::GroupOperationKind::create ||
            operation.kind == state::GroupOperationKind::rename)
            entry.attributes.push_back(
                {{"attribute", "displayName"}, {"to", operation.display_name}});
        const bool removing = operation.kind == state::GroupOperationKind::remove_members;
        for (const auto& member : operation.members)
            entry.attributes.push_back(
                {{"attribute", "members"}, {removing ? "from" : "to", member}});
        store.append_audit(entry);
        // Each member's own trail says which group they joined or left.
        for (const auto& member : operation.members) {
            state::AuditEntry own;
            own.run_id = m_run_id;
            own.target = m_target;
            own.key = member;
            own.operation = removing ? "leave group" : "join group";
            own.attributes.push_back(
                {{"attribute", "group"}, {removing ? "from" : "to", operation.display_name}});
            own.reason = operation.decision;
            own.status = member_status(outcome, member);
            if (own.status != "done") own.error = outcome.message;
            store.append_audit(own);
        }
    });
}

state::AuditEntry audit_entry(const state::Operation& operation, const std::string& target,
                              std::int64_t run_id, const std::vector<std::string>& sensitive) {
    state::AuditEntry entry;
    entry.run_id = run_id;
    entry.target = target;
    entry.key = operation.key;
    entry.operation = std::string(state::verb(operation.kind));
    entry.reason = operation.details().decision;
    if (entry.reason.empty() && operation.kind == state::OperationKind::create)
        entry.reason = "new in the source";
    if (operation.repair) entry.reason += entry.reason.empty() ? "drift repair" : " (drift repair)";
    if (operation.kind == state::OperationKind::create) {
        const auto body = operation.full_body();
        for (const auto& [name, value] : body.items()) {
            if (name == "schemas") continue;
            if (name.starts_with("urn:") && value.is_object()) {
                for (const auto& [attribute, unused] : value.items())
                    entry.attributes.push_back(name + ":" + attribute);
                continue;
            }
            entry.attributes.push_back(name);
        }
        return entry;
    }
    for (const auto& change : operation.changes) {
        nlohmann::json item = {{"attribute", change.path}};
        const bool hide = state::is_sensitive(change.path, sensitive);
        if (change.before) item["from"] = hide ? nlohmann::json("(redacted)") : *change.before;
        if (change.after) item["to"] = hide ? nlohmann::json("(redacted)") : *change.after;
        entry.attributes.push_back(std::move(item));
    }
    return entry;
}

} // namespace hr2scim::apply
