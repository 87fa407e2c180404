#pragma once
// What became of one group operation: the group handler's answer, the recorder's input. Like a
// user's Outcome it says what the target holds afterwards, and the state is written from it
// by the recorder alone.

#include "apply/outcome.hpp"
#include "state/group_plan.hpp"
#include "state/stored_group.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hr2scim::apply {

struct GroupOutcome {
    const state::GroupOperation* operation = nullptr;
    Result result = Result::done;
    std::string message; // why, when not done

    // What the state remembers afterwards, whatever the result: what is known to be so.
    std::optional<state::StoredGroup> save; // the group's row (its members are below)
    std::vector<std::string> added_keys;    // members the target holds now ...
    std::vector<std::string> added_ids;     // ... and their SCIM ids
    std::vector<std::string> removed_keys;  // members it no longer holds
    bool forget = false;                    // the group is gone (or never was created)
    // Not sent: the target was abandoned or the run asked to stop (message says which).
    bool not_sent = false;
    bool deferred = false; // not sent because the run's budget was spent: the next run sends it
    bool stopped = false;  // not sent because the run was asked to stop: not a failure

    std::string note;                // a group taken over, a create without a look-up
    bool taken_over = false;         // an existing group became this rule's
    bool renamed = false;            // its name, externalId or extension were replaced
    size_t member_cap = 0;           // a member limit per request the target's answers taught ...
    std::string member_cap_evidence; // ... and the refusal that taught it
};

// What the group operations of a run did, counted from their outcomes.
struct GroupResults {
    size_t created = 0;
    size_t renamed = 0;
    size_t members_added = 0;
    size_t members_removed = 0;
    size_t deleted = 0;
    size_t taken_over = 0;          // existing groups a create found on the target and took
    size_t failed = 0;              // operations that failed or could not be sent
    std::vector<std::string> lines; // one per failure, for the summary
    std::vector<std::string> notes; // one per group taken over
    // Operations never sent because the target was abandoned (or the run asked to stop), and why.
    size_t not_sent = 0;
    std::optional<std::string> not_sent_because;
    size_t deferred = 0; // left for the next run by the run's budget (not a failure)
    size_t stopped = 0;  // not sent: the run was asked to stop (not a failure, not in not_sent)
};

[[nodiscard]] GroupResults tally(const std::vector<GroupOutcome>& outcomes);

// "add to \"Engineering\": why", the line a failed group operation shows.
[[nodiscard]] std::string failure_line(const state::GroupOperation& operation,
                                       const std::string& why);

} // namespace hr2scim::apply
