#include "apply/run_recorder.hpp"

namespace hr2scim::apply {

std::int64_t RunRecorder::begin_run(const std::string& command) {
    return m_store.begin_run(m_target, command);
}

void RunRecorder::finish_run(std::int64_t run_id, const state::RunCounts& counts, int exit_code,
                             const nlohmann::json* outcomes_by_kind, bool interrupted) {
    m_store.finish_run(run_id, counts, exit_code, interrupted);
    if (outcomes_by_kind) m_store.record_run_outcomes(run_id, *outcomes_by_kind);
}

size_t RunRecorder::prune_audit(std::chrono::days keep) {
    return m_store.prune_audit(keep);
}

StateRecorder RunRecorder::outcomes(std::int64_t run_id, std::chrono::sys_seconds now) const {
    return {m_store, m_target, now, run_id, m_sensitive};
}

void RunRecorder::record_held_back(std::int64_t run_id, const state::Plan& plan,
                                   const std::vector<RejectedRecord>& rejected) {
    m_store.write_batch([&](state::StateStore& batch) {
        for (const auto& operation : plan.withheld) {
            auto entry = audit_entry(operation, m_target, run_id, m_sensitive);
            entry.status = "withheld";
            entry.error = plan.withheld_reason.value_or("");
            batch.append_audit(entry, true);
        }
        for (const auto& rejection : rejected) {
            if (rejection.key.empty()) continue; // no person to file it under
            batch.append_audit({.run_id = run_id,
                                .target = m_target,
                                .key = rejection.key,
                                .operation = "reject record",
                                .status = "rejected",
                                .error = rejection.reason,
                                .reason = rejection.origin},
                               true);
        }
    });
}

bool RunRecorder::hand_over(const std::string& old_key, const std::string& new_key) {
    return m_store.hand_over(m_target, old_key, new_key);
}

void RunRecorder::forget(const std::string& key) {
    m_store.forget(m_target, key);
}

void RunRecorder::record_complete_read(const std::string& source, size_t records) {
    m_store.record_complete_read(source, records);
}

void RunRecorder::record_absences(const std::vector<state::Absence>& absences) {
    m_store.record_absences(m_target, absences);
}

void RunRecorder::remember_capabilities(const nlohmann::json& capabilities) {
    m_store.remember_capabilities(m_target, capabilities);
}

} // namespace hr2scim::apply
