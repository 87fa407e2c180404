#pragma once
// Carries out a plan against one target and yields one Outcome per operation, in plan order,
// handing each to the sink as it arrives (operations run concurrently up to
// ExecutorSettings::concurrency). Dependencies are explicit (Operation::depends_on): an
// operation whose dependency did not succeed waits for a later run. A failure fails its
// operation only; the target is abandoned on 401/403, no answer, or when the breaker trips.

#include "apply/breaker.hpp"
#include "apply/bulk.hpp"
#include "apply/group_outcome.hpp"
#include "apply/identity.hpp"
#include "apply/outcome.hpp"
#include "apply/recorder.hpp"
#include "apply/user_directory.hpp"
#include "apply/work_order.hpp"
#include "http/throttle.hpp"
#include "scim/discovery.hpp"
#include "scim/packed_json.hpp"
#include "scim/scim_client.hpp"
#include "state/plan.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
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
    // The target counts requests (a budget of writes or requests, a daily cap): each Bulk
    // request carries as many operations as it allows. Otherwise batches stay small, so that
    // many go at once and the target works through them interleaved with their read-backs.
    bool requests_counted = false;
    // How group members' keys compare with the state's users.
    bool case_sensitive_keys = false;
    // A first run taking the target's accounts over (--adopt-existing): every create looks its
    // person up first. One with unique() candidates is looked up by externalId only: an account
    // holding a candidate userName may be somebody else's.
    bool adopting = false;
    // A run's own budget (target.budget.operations_per_run, run_time): what does not fit is
    // not sent and waits for the next run (Outcome::deferred), the most urgent sent first.
    std::optional<size_t> max_operations;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::string budget_setting; // names the setting that deferred an operation, for its message
};

// What a run learnt about the target from its answers, for the state (scim::Capabilities).
struct Learnt {
    std::map<std::string, std::string> unkept; // attribute path (as sent) -> evidence
    std::string patch_refused;                 // evidence, when PATCH was given up for PUT
    size_t member_cap = 0;           // members per group PATCH that went through after a 400
    std::string member_cap_evidence; // the refusal that taught it
    [[nodiscard]] bool empty() const {
        return unkept.empty() && patch_refused.empty() && member_cap == 0;
    }
};

// What a run did, counted from its outcomes.
struct Tally {
    size_t created = 0, updated = 0, deactivated = 0, reactivated = 0, deleted = 0, linked = 0;
    size_t adopted = 0, recreated = 0, failed = 0, skipped = 0;
    size_t not_taken = 0;  // answered 2xx without taking every value (counted in failed too)
    size_t deferred = 0;   // left for the next run by the run's budget (counted in skipped too)
    size_t stopped = 0;    // not sent: the run was asked to stop (counted in skipped too)
    size_t awaiting = 0;   // taken to process later (202): the target's log confirms them later
    http::PaceReport pace; // what pacing to the target's budget did (set by the caller)
    std::optional<std::string> abandoned; // why the target was given up, when it was
};

[[nodiscard]] Tally tally(const std::vector<Outcome>& outcomes,
                          const std::optional<std::string>& abandoned);

class Executor {
  public:
    Executor(scim::ScimClient& client, OutcomeSink& sink, AccountOwners owners,
             const ExecutorSettings& settings);

    // Offboarding first (apply/work_order.hpp): the deactivations and deletions go first, then
    // `after_revocations` runs (the group member removals), then everything else.
    [[nodiscard]] std::vector<Outcome> run(state::Plan& plan,
                                           const std::function<void()>& after_revocations = {});
    // The group operations, after the users' (members need their ids): one group's operations
    // in plan order, groups concurrently (groups being deleted first, so that a name they free
    // can be taken), under the same breaker. `users`: the state's users after run(plan).
    // `only`: just the operations of these urgencies (the removals may go before the users'
    // other changes); everything when empty.
    [[nodiscard]] std::vector<GroupOutcome>
    run_groups(const state::GroupPlan& plan, const std::vector<state::StoredResource>& users,
               const std::set<Urgency>& only = {});
    // Why the target was abandoned during the run, if it was.
    // Why the target was given up; nothing when it was not, or when the run was only asked to
    // stop (that is not the target's doing).
    [[nodiscard]] std::optional<std::string> abandoned() const {
        return m_breaker.stopping() ? std::nullopt : m_breaker.tripped();
    }
    // What the answers taught about the target (for the next runs).
    [[nodiscard]] Learnt learnt() const;

  private:
    struct Schedule;
    void work(state::Plan& plan, Schedule& schedule);
    // Runs what the schedule's phase may take, concurrently, until none of it is left.
    void run_phase(state::Plan& plan, Schedule& schedule, Urgency limit);
    // Why an operation must wait for the next run (the run's budget is spent), if it must.
    [[nodiscard]] std::optional<std::string> over_budget() const;
    // Sends the ready operations a Bulk request can carry, in batches; what it cannot settle
    // (a 409 on a create, a 404 on an update, ...) goes back to the ready queue.
    void run_bulk(state::Plan& plan, Schedule& schedule);
    // Orders the creates managers first; the manager of each report whose create may name
    // its manager's bulkId (never itself, never in a cycle).
    std::map<std::string, std::string> order_creates(const state::Plan& plan,
                                                     std::vector<size_t>& taken) const;
    [[nodiscard]] BulkItem bulk_item(const state::Operation& operation, size_t index) const;
    void split_unanswered(const std::vector<state::Operation>& operations, Schedule& schedule,
                          std::vector<BulkItem>& batch, std::deque<std::vector<BulkItem>>& batches,
                          const scim::CallError& error, size_t unanswered_in_a_row);
    // A Bulk request answered: its operations' outcomes, some waiting to be read back.
    struct AnsweredBatch;
    // Under m_mutex: what the answer says of each operation; what the target cannot settle in
    // Bulk goes back to the ready queue; the creates and changes to read back are counted.
    void settle_answer(const std::vector<state::Operation>& operations, Schedule& schedule,
                       AnsweredBatch& answered, const scim::CallResult<nlohmann::json>& answer);
    // Without m_mutex (a request): verifies the answered batch's `k`th settled operation.
    void verify_answered(const std::vector<state::Operation>& operations, AnsweredBatch& answered,
                         size_t k);
    // Under m_mutex, once every read-back of the batch is done: records its outcomes.
    void finish_answered(const std::vector<state::Operation>& operations, Schedule& schedule,
                         AnsweredBatch& answered);
    [[nodiscard]] bool bulkable(const state::Operation& operation) const;
    [[nodiscard]] Outcome bulk_outcome(const state::Operation& operation,
                                       const std::optional<BulkResult>& result, bool& retry_alone);
    void finish(const state::Operation& operation, Outcome outcome, Schedule& schedule,
                size_t index);
    // Under m_mutex: whether the client refused this request for the daily cap (then nothing
    // more starts in this run).
    bool held_by_daily_cap(Result result, const std::string& message);
    [[nodiscard]] bool unsent_for_the_stop(Result result, const std::string& message) const;
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
    std::optional<Found> find_existing(const state::Operation& operation, Outcome& failure,
                                       bool by_user_name = true);
    Outcome adopt(const state::Operation& operation, const Found& found);
    std::optional<Outcome> post(const state::Operation& operation, const nlohmann::json& body,
                                scim::CallError* error);
    // Sets each unique() attribute to its first free candidate; nothing when it could, else why
    // not (a failed look-up, or a conflict: no free value).
    std::optional<Outcome> pick_unique(state::Operation& operation);
    // The users on the target holding `value` at `path`, verified: through a filter, or the
    // directory when the target cannot filter.
    scim::CallResult<std::vector<nlohmann::json>> users_holding(const scim::AttributePath& path,
                                                                const std::string& value);
    // PATCH, or a read-modify-write PUT where the target has no PATCH.
    scim::CallResult<nlohmann::json> send_changes(const std::string& id,
                                                  const std::vector<scim::AttributeChange>& changes,
                                                  const nlohmann::json& body,
                                                  const std::string& version);
    // PUT replaces the whole resource: read it, change the managed attributes, send back the
    // rest exactly as read (If-Match the version read, where the target has ETags; on 412 read
    // again).
    scim::CallResult<nlohmann::json> replace(const std::string& id,
                                             const std::vector<scim::AttributeChange>& changes,
                                             const nlohmann::json& body);
    // Whether a failed PATCH means the target has none: 405/501, or, on a target that does not
    // describe itself, a 400 or 5xx before any PATCH was accepted.
    [[nodiscard]] bool patch_refused(const scim::CallError& error) const;
    // A 2xx is not proof: the outcome of a write whose answer (read back when it holds no
    // resource) is compared with the managed values sent. Values it did not take are recorded
    // as it holds them (Result::not_taken); attributes it dropped entirely are learnt.
    // `body` is what the state records (the whole managed body), `sent` the values to compare.
    Outcome verified(const state::Operation& operation, const std::string& id, nlohmann::json body,
                     const nlohmann::json& sent, const nlohmann::json& answered, bool read_back,
                     std::optional<state::ResourceStatus> status = std::nullopt);
    // The account a create's answer names really is this person's: it reads back holding the
    // externalId (else userName) sent, and no other key owns it. Nothing when it is.
    std::optional<Outcome> unverified_create(const state::Operation& operation,
                                             const std::string& id, const nlohmann::json& sent,
                                             nlohmann::json& read);
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
    bool m_self_described;    // answers /ServiceProviderConfig: its word on PATCH stands
    std::mutex m_patch_probe; // held by the one PATCH in flight while support is unknown
    std::atomic<bool> m_filter;
    bool m_etag;
    bool m_bulk;
    size_t m_bulk_max_operations;
    bool m_requests_counted;
    size_t m_bulk_max_payload;
    // Reports whose manager reference a Bulk create set through the manager's bulkId: their
    // manager link needs no request of its own.
    std::set<std::string> m_linked_in_bulk;
    UserDirectory m_directory;
    // Guards everything below (and the sink) while operations run concurrently.
    mutable std::mutex m_mutex;
    AccountOwners m_owners;
    CircuitBreaker m_breaker;
    std::unordered_set<size_t> m_succeeded; // ids of the operations done
    // Accounts made or changed in this run, by identity key: for the manager links that follow.
    struct WrittenAccount {
        std::string scim_id;
        std::string version;   // the target's version (ETag) of it after the write, if it said
        scim::PackedJson body; // empty after its manager link: a link is the last a run does
    };
    std::map<std::string, WrittenAccount> m_created;
    // unique() values picked in this run, so that two creates running at once never pick one.
    std::set<std::string> m_picked_unique;
    // Creates of an unanswered Bulk request: they may exist, so they are looked up first.
    std::set<size_t> m_look_up_first;
    Learnt m_learnt;
    bool m_case_sensitive_keys;
    bool m_adopting;
    size_t m_member_cap; // members per group PATCH (0: as planned)
    // The run's own budget: how many operations were started, and what may be.
    size_t m_started = 0;
    std::optional<size_t> m_max_operations;
    std::optional<std::chrono::steady_clock::time_point> m_deadline;
    std::string m_budget_setting;
    std::set<size_t> m_deferred; // operation ids left for the next run
    // Why the client refused a request: the target's daily cap is reached (nothing more starts).
    std::optional<std::string> m_daily_cap_reached;
};

} // namespace hr2scim::apply
