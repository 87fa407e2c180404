#pragma once
// The one writer of a run's own rows: it opens and closes the run, and makes the run's writes
// that are not an operation's outcome (hand-overs, accounts that vanished, what was held back,
// what the run learnt). Outcomes reach the state through the StateRecorder it makes.

#include "apply/recorder.hpp"
#include "state/plan.hpp"
#include "state/state_store.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hr2scim::apply {

// A source record the run rejected, filed under its key in the audit trail.
struct RejectedRecord {
    std::string origin;
    std::string key;
    std::string reason;
};

class RunRecorder {
  public:
    // `sensitive`: attributes whose values the audit trail redacts.
    RunRecorder(state::StateStore& store, std::string target, std::vector<std::string> sensitive)
        : m_store(store), m_target(std::move(target)), m_sensitive(std::move(sensitive)) {}

    [[nodiscard]] std::int64_t begin_run(const std::string& command);
    // The counts, the exit code and the operations sent by kind and outcome (none: not sent);
    // `interrupted`: it was asked to stop before it sent everything.
    void finish_run(std::int64_t run_id, const state::RunCounts& counts, int exit_code,
                    const nlohmann::json* outcomes_by_kind, bool interrupted = false);
    void amend_exit_code(std::int64_t run_id, int exit_code) {
        m_store.amend_exit_code(run_id, exit_code);
    }
    // Audit entries older than `keep` go; how many went.
    size_t prune_audit(std::chrono::days keep);

    // Where the outcomes of run `run_id` go, dated `now`.
    [[nodiscard]] StateRecorder outcomes(std::int64_t run_id, std::chrono::sys_seconds now) const;
    // The audit trail's entries for what the run held back: each withheld operation with the
    // reason, and each rejected record; one the person's last entry already says is not repeated.
    void record_held_back(std::int64_t run_id, const state::Plan& plan,
                          const std::vector<RejectedRecord>& rejected);

    // The account of `old_key` becomes `new_key`'s; false when old_key has none.
    bool hand_over(const std::string& old_key, const std::string& new_key);
    // An account that vanished from the target and is not created again.
    void forget(const std::string& key);

    void record_complete_read(const std::string& source, size_t records);
    void record_absences(const std::vector<state::Absence>& absences);
    void remember_capabilities(const nlohmann::json& capabilities);

  private:
    state::StateStore& m_store;
    std::string m_target;
    std::vector<std::string> m_sensitive;
};

} // namespace hr2scim::apply
