#pragma once
// Carries out a plan against one target and yields one Outcome per operation, in plan order,
// handing each to the sink as it arrives. Dependencies are explicit (Operation::depends_on):
// an operation whose dependency did not succeed waits for a later run. A failure fails its
// operation only; the target is abandoned on 401/403, no answer, or when the breaker trips.

#include "apply/breaker.hpp"
#include "apply/identity.hpp"
#include "apply/outcome.hpp"
#include "apply/recorder.hpp"
#include "scim/scim_client.hpp"
#include "state/plan.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::apply {

struct ExecutorSettings {
    BreakerSettings breaker;
};

// What a run did, counted from its outcomes.
struct Tally {
    size_t created = 0, updated = 0, deactivated = 0, reactivated = 0, deleted = 0, linked = 0;
    size_t adopted = 0, recreated = 0, failed = 0, skipped = 0;
    std::optional<std::string> abandoned; // why the target was given up, when it was
};

[[nodiscard]] Tally tally(const std::vector<Outcome>& outcomes,
                          const std::optional<std::string>& abandoned);

class Executor {
  public:
    Executor(scim::ScimClient& client, OutcomeSink& sink, AccountOwners owners,
             ExecutorSettings settings);

    [[nodiscard]] std::vector<Outcome> run(const state::Plan& plan);
    // Why the target was abandoned during the run, if it was.
    [[nodiscard]] const std::optional<std::string>& abandoned() const {
        return m_breaker.tripped();
    }

  private:
    Outcome execute(const state::Operation& operation);
    Outcome create(const state::Operation& operation);
    Outcome create_with_unique(state::Operation picked, const state::Operation& operation);
    Outcome update(const state::Operation& operation);
    Outcome deactivate(const state::Operation& operation);
    Outcome remove(const state::Operation& operation);
    Outcome link_manager(const state::Operation& operation);

    // The one account on the target that the body's externalId or userName names, verified.
    struct Found {
        std::string id;
        nlohmann::json resource;
        std::string by;
    };
    std::optional<Found> find_existing(const state::Operation& operation, Outcome& failure);
    Outcome adopt(const state::Operation& operation, const Found& found);
    std::optional<Outcome> post(const state::Operation& operation, const nlohmann::json& body,
                                scim::CallError* error);
    std::string pick_unique(state::Operation& operation, Outcome& failure);

    scim::ScimClient& m_client;
    OutcomeSink& m_sink;
    AccountOwners m_owners;
    CircuitBreaker m_breaker;
    std::map<size_t, bool> m_succeeded; // operation id -> done
    // Accounts made or changed in this run, by identity key: id and body.
    std::map<std::string, std::pair<std::string, nlohmann::json>> m_created;
};

} // namespace hr2scim::apply
