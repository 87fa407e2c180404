#pragma once
// The group operations of a plan, one at a time per group (a group is created before members
// are added to it; members are added only once their user has an id). Each answers a
// GroupOutcome; nothing here writes the state: a create, and an addition of members, is
// journaled through the sink before it is sent, so that a run stopped half way resumes where it
// was (a journaled create is looked up by externalId, else display name, before it is sent
// again). A group the target already holds is looked up before any create: one with the rule's
// externalId (or, for a rule without one, of that name and holding only hr2scim's people) is
// taken over; a group of that name that this config did not make is left alone and reported,
// unless `groups.managed` names it. A 400 that names a limit of members per request halves the
// request and keeps the size that went through, for this run and (through the executor's
// Learnt) the next ones.

#include "apply/group_outcome.hpp"
#include "apply/recorder.hpp"
#include "scim/scim_client.hpp"
#include "state/planner.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace hr2scim::apply {

// The member ids a group holds, as the target answered it (members without a string value are
// skipped): what a take-over records, an addition reads first, and drift repair compares.
[[nodiscard]] std::set<std::string> member_ids(const nlohmann::json& group);

class GroupOperations {
  public:
    // `users`: the state's users after this run's user operations (their SCIM ids).
    // `member_cap`: the most members one request may carry (0: as planned).
    // `sink_mutex` is held while the sink is called (the executor's, shared with its workers).
    GroupOperations(scim::ScimClient& client, OutcomeSink& sink, std::mutex& sink_mutex,
                    const std::vector<state::StoredResource>& users, bool case_sensitive_keys,
                    size_t member_cap);

    // Thread-safe for operations on different groups; one group's operations in plan order.
    [[nodiscard]] GroupOutcome run(const state::GroupOperation& operation);

  private:
    struct Existing;
    struct Failure {
        Result result;
        std::string why;
    };
    template <class T> using Checked = tl::expected<T, Failure>;

    [[nodiscard]] std::optional<std::string> group_id(const state::GroupOperation& operation);
    Checked<std::vector<nlohmann::json>> find(const char* field, const std::string& value);
    [[nodiscard]] bool holds_only_ours(const nlohmann::json& group) const;
    Checked<std::optional<Existing>> existing(const state::GroupOperation& operation,
                                              GroupOutcome& outcome);
    void create(const state::GroupOperation& operation, GroupOutcome& outcome);
    void take_over(const state::GroupOperation& operation, const Existing& found,
                   GroupOutcome& outcome);
    void adopt(const state::GroupOperation& operation, const std::string& id, bool ours,
               GroupOutcome& outcome);
    void rename(const state::GroupOperation& operation, const std::string& id,
                GroupOutcome& outcome);
    Checked<std::set<std::string>> held_members(const std::string& id);
    void add_members(const state::GroupOperation& operation, const std::string& id,
                     GroupOutcome& outcome);
    void remove_members(const state::GroupOperation& operation, const std::string& id,
                        GroupOutcome& outcome);
    void remove(const std::string& id, GroupOutcome& outcome);
    // The PATCH operations for members [from, to) of a change.
    using MemberRequest = std::function<std::vector<scim::PatchOperation>(size_t from, size_t to)>;
    // Sends `count` members' changes in requests of at most the member cap; a 400 naming a
    // member limit halves the request (or takes the limit it names). `done`: how many went
    // through, in order; the first other failure ends it.
    std::optional<scim::CallError> send_members(const std::string& id, size_t count,
                                                const MemberRequest& request, bool removal,
                                                size_t& done, GroupOutcome& outcome);

    scim::ScimClient& m_client;
    OutcomeSink& m_sink;
    std::mutex& m_sink_mutex;
    state::StoredIndex m_users; // the state's users by identity key, with their SCIM ids
    std::map<std::string, std::string> m_key_by_id; // user SCIM id -> source key
    std::atomic<size_t> m_member_cap;
    std::mutex m_mutex;                        // guards the maps below
    std::map<std::string, std::string> m_made; // group key -> id, this run
    std::set<std::string> m_adopted;           // groups taken over in this run
};

} // namespace hr2scim::apply
