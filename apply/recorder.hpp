#pragma once
// The one place outcomes reach the state. The executor never writes the state itself: it
// journals a create through here before sending it, and hands each outcome over as it arrives.

#include "apply/outcome.hpp"
#include "state/state_store.hpp"

#include <chrono>
#include <string>

namespace hr2scim::apply {

class OutcomeSink {
  public:
    virtual ~OutcomeSink() = default;
    // Before a POST: an answer lost after the server committed must not become a second user.
    virtual void journal_create(const state::Operation& operation, const nlohmann::json& body) = 0;
    virtual void record(const Outcome& outcome) = 0;
};

class StateRecorder final : public OutcomeSink {
  public:
    // `now` is the run's instant: it dates deactivations, from which the grace before DELETE
    // counts.
    StateRecorder(state::StateStore& store, std::string target, std::chrono::sys_seconds now)
        : m_store(store), m_target(std::move(target)), m_now(now) {}

    void journal_create(const state::Operation& operation, const nlohmann::json& body) override;
    void record(const Outcome& outcome) override;

  private:
    state::StateStore& m_store;
    std::string m_target;
    std::chrono::sys_seconds m_now;
};

} // namespace hr2scim::apply
