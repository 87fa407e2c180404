#pragma once
// The one place outcomes reach the state. The executor never writes the state itself: it
// journals a create through here before sending it, and hands each outcome over as it arrives.

#include "apply/group_outcome.hpp"
#include "apply/outcome.hpp"
#include "state/state_store.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hr2scim::apply {

class OutcomeSink {
  public:
    virtual ~OutcomeSink() = default;
    // Before a POST: an answer lost after the server committed must not become a second user.
    virtual void journal_create(const state::Operation& operation, const nlohmann::json& body) = 0;
    virtual void record(const Outcome& outcome) = 0;
    // Before a group's POST, without an id; before a PATCH adding members, the members as
    // pending (whether the target holds them is read before adding anyone again).
    virtual void journal_group_create(const state::GroupOperation& operation,
                                      const state::StoredGroup& group) = 0;
    virtual void journal_group_members(const state::GroupOperation& operation,
                                       const std::vector<std::string>& keys,
                                       const std::vector<std::string>& ids) = 0;
    virtual void record_group(const GroupOutcome& outcome) = 0;
};

class StateRecorder final : public OutcomeSink {
  public:
    // `now` is the run's instant: it dates deactivations, from which the grace before DELETE
    // counts.
    // Each outcome is also an entry of the audit trail of run `run_id`, with the values of
    // `sensitive` attributes redacted.
    StateRecorder(state::StateStore& store, std::string target, std::chrono::sys_seconds now,
                  std::int64_t run_id = 0, std::vector<std::string> sensitive = {})
        : m_store(store), m_target(std::move(target)), m_now(now), m_run_id(run_id),
          m_sensitive(std::move(sensitive)) {}

    void journal_create(const state::Operation& operation, const nlohmann::json& body) override;
    void record(const Outcome& outcome) override;
    void journal_group_create(const state::GroupOperation& operation,
                              const state::StoredGroup& group) override;
    void journal_group_members(const state::GroupOperation& operation,
                               const std::vector<std::string>& keys,
                               const std::vector<std::string>& ids) override;
    // The group's row and members, an audit entry under the group's key, and one under each
    // member's key ("join group" / "leave group"), so that `history KEY` shows them.
    void record_group(const GroupOutcome& outcome) override;

  private:
    state::StateStore& m_store;
    std::string m_target;
    std::chrono::sys_seconds m_now;
    std::int64_t m_run_id;
    std::vector<std::string> m_sensitive;
};

// The audit entry an operation makes, before its outcome is known (status and error empty).
[[nodiscard]] state::AuditEntry audit_entry(const state::Operation& operation,
                                            const std::string& target, std::int64_t run_id,
                                            const std::vector<std::string>& sensitive);

} // namespace hr2scim::apply
