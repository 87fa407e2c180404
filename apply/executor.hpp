#pragma once
// Carries out a plan against one target and yields one Outcome per operation, in plan order,
// handing each to the sink as it arrives (operations run concurrently up to
// ExecutorSettings::concurrency). Dependencies are explicit (Operation::depends_on): an
// operation whose dependency did not succeed waits for a later run. A failure fails its
// operation only; the target is abandoned on 401/403, no answer, or when the breaker trips.

#include "apply/breaker.hpp"
#include "apply/bulk.hpp"
#include "apply/identity.hpp"
#include "apply/outcome.hpp"
#include "apply/recorder.hpp"
#include "apply/user_directory.hpp"
#include "scim/discovery.hpp"
#include "scim/scim_client.hpp"
#include "state/plan.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hr2scim::apply {

struct ExecutorSettings {
    BreakerSettings breaker;
    // Operations in flight at once. Operations on one person run in plan order, one at a
    // time, and an operation starts only after those it depends on are done.
    size_t concurrency = 1;
    // How the target is spoken to (discovered, or set by target.profile). A target that
    // answers PATCH with 405, or a filtered look-up with users who do not match, is switched
    // to PUT, or to listing its users, for the rest of the run.
    scim::Capabilities target;
    // Use Bulk where the target supports it (target.bulk).
    bool bulk = true;
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
             const ExecutorSettings& settings);

    [[nodiscard]] std::vector<Outcome> run(const state::Plan& plan);
    // Why the target was abandoned during the run, if it was.
    [[nodiscard]] std::optional<std::string> abandoned() const { return m_breaker.tripped(); }

  private:
    struct Schedule;
    void work(const state::Plan& plan, Schedule& schedule);
    // Sends the ready operations a Bulk request can carry, in batches; what it cannot settle
    // (a 409 on a create, a 404 on an update, ...) goes back to the ready queue.
    void run_bulk(const state::Plan& plan, Schedule& schedule);
    [[nodiscard]] bool bulkable(const state::Operation& operation) const;
    [[nodiscard]] Outcome bulk_outcome(const state::Operation& operation,
                                       const std::optional<BulkResult>& result, bool& retry_alone);
    void finish(const state::Operation& operation, Outcome outcome, Schedule& schedule,
                size_t index);
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
    // The users on the target holding `value` at `path`, verified: through a filter, or the
    // directory when the target cannot filter.
    scim::CallResult<std::vector<nlohmann::json>> users_holding(const scim::AttributePath& path,
                                                                const std::string& value);
    // PATCH, or PUT of `body` where the target has no PATCH (removed attributes sent as null,
    // for targets whose PUT merges).
    scim::CallResult<nlohmann::json> send_changes(const std::string& id,
                                                  const std::vector<scim::AttributeChange>& changes,
                                                  const nlohmann::json& body,
                                                  const std::string& version);
    // Sends with If-Match `version` where the target supports ETags; on 412 (someone changed
    // the user since) reads it again and sends once more for the version it holds now.
    template <class Send>
    auto matching_version(const std::string& id, const std::string& version, Send send)
        -> decltype(send(std::string()));
    // Checks that the account may become `key`'s and claims it at once, so that no other
    // operation running meanwhile takes it too.
    std::optional<std::string> claim_account(const nlohmann::json& resource, const std::string& id,
                                             const std::string& key);

    scim::ScimClient& m_client;
    OutcomeSink& m_sink;
    size_t m_concurrency;
    // Whether the target takes PATCH: unknown until one went through or was refused with 405.
    enum class Support { unknown, yes, no };
    std::atomic<Support> m_patch;
    std::mutex m_patch_probe; // held by the one PATCH in flight while support is unknown
    std::atomic<bool> m_filter;
    bool m_etag;
    bool m_bulk;
    size_t m_bulk_max_operations;
    size_t m_bulk_max_payload;
    // Reports whose manager reference a Bulk create set through the manager's bulkId: their
    // manager link needs no request of its own.
    std::set<std::string> m_linked_in_bulk;
    UserDirectory m_directory;
    // Guards everything below (and the sink) while operations run concurrently.
    std::mutex m_mutex;
    AccountOwners m_owners;
    CircuitBreaker m_breaker;
    std::map<size_t, bool> m_succeeded; // operation id -> done
    // Accounts made or changed in this run, by identity key: id and body.
    std::map<std::string, std::pair<std::string, nlohmann::json>> m_created;
    // unique() values picked in this run, so that two creates running at once never pick one.
    std::set<std::string> m_picked_unique;
    // The version (ETag) of each account written in this run, by SCIM id.
    std::map<std::string, std::string> m_versions;
};

} // namespace hr2scim::apply
