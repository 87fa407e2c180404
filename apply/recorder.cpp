#include "apply/recorder.hpp"

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
            break;
        }
        if (outcome.operation == nullptr) return;
        auto entry = audit_entry(*outcome.operation, m_target, m_run_id, m_sensitive);
        entry.status = std::string(to_string(outcome.result));
        if (outcome.result != Result::done) entry.error = outcome.message;
        if (!outcome.adoption.empty()) entry.error = outcome.adoption;
        store.append_audit(entry);
    });
}

state::AuditEntry audit_entry(const state::Operation& operation, const std::string& target,
                              std::int64_t run_id, const std::vector<std::string>& sensitive) {
    state::AuditEntry entry;
    entry.run_id = run_id;
    entry.target = target;
    entry.key = operation.key;
    entry.operation = std::string(state::verb(operation.kind));
    entry.reason = operation.decision;
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
