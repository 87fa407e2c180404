#include "apply/recorder.hpp"

namespace hr2scim::apply {

void StateRecorder::journal_create(const state::Operation& operation, const nlohmann::json& body) {
    m_store.journal_create(m_target, operation.key, body);
}

void StateRecorder::record(const Outcome& outcome) {
    switch (outcome.effect) {
    case Outcome::Effect::none:
        return;
    case Outcome::Effect::forget:
        m_store.forget(m_target, outcome.operation->key);
        return;
    case Outcome::Effect::save:
        m_store.save(m_target, {outcome.operation->key, outcome.scim_id, outcome.status,
                                outcome.body, m_now, outcome.version});
        return;
    }
}

} // namespace hr2scim::apply
