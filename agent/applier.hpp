#pragma once
// Carries out a plan against one target, writing each outcome to the state as it arrives,
// so a run that dies half-way loses nothing it already did.

#include "scim/scim_client.hpp"
#include "state/plan.hpp"
#include "state/state_store.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace hr2scim::agent {

struct Failure {
    std::string key;
    std::string origin;
    std::string what; // "create", "update", ...
    std::string message;
};

struct ApplyResult {
    size_t created = 0;
    size_t updated = 0;
    size_t deactivated = 0;
    size_t reactivated = 0;
    size_t deleted = 0;
    size_t linked = 0;    // managers set once both users existed
    size_t adopted = 0;   // creates that found the user already on the target
    size_t recreated = 0; // updates whose user had been deleted on the target
    std::vector<Failure> failures;
    size_t skipped = 0;           // not attempted because the target became unusable
    bool target_unusable = false; // 401/403 or no answer: the rest of the plan was not tried
};

class Applier {
  public:
    // `now` is the run's instant: it dates deactivations, from which the grace before DELETE
    // counts.
    Applier(scim::ScimClient& client, state::StateStore& store, std::string target_name,
            std::chrono::sys_seconds now);
    [[nodiscard]] ApplyResult apply(const state::Plan& plan);

  private:
    // Each returns an error message, or empty on success.
    std::string create(const state::Operation& operation, ApplyResult& result);
    std::string update(const state::Operation& operation, ApplyResult& result);
    std::string deactivate(const state::Operation& operation);
    std::string remove(const state::Operation& operation);
    std::string link_manager(const state::Operation& operation);
    std::string pick_unique(state::Operation& operation);
    void save(const std::string& key, const std::string& scim_id, const nlohmann::json& body);
    std::string adopt(const state::Operation& operation, const std::string& scim_id);
    std::optional<std::string> find_existing(const nlohmann::json& body, std::string& error);
    tl::expected<std::string, scim::CallError> post(const state::Operation& picked);
    std::string create_with_unique(state::Operation& picked, const state::Operation& operation);
    void count_success(state::OperationKind kind, ApplyResult& result) const;
    // Remembers a call error that makes every further call fail the same way.
    std::string failed(const scim::CallError& error, const std::string& prefix = {});

    scim::ScimClient& m_client;
    state::StateStore& m_store;
    std::string m_target;
    std::chrono::sys_seconds m_now;
    bool m_target_unusable =
        false; // 401/403 or no answer: set only by a call error, never by a failed check
};

} // namespace hr2scim::agent
