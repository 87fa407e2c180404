#pragma once
// What a run will do to one target: the planner's output, `plan`'s display, `sync`'s work.

#include "scim/desired_resource.hpp"
#include "scim/patch.hpp"
#include "scim/rare_fields.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::state {

enum class OperationKind : std::uint8_t {
    create,
    update,
    deactivate,
    reactivate,
    remove,       // DELETE, after the grace period
    link_manager, // set the manager once both users exist (the manager was created in this run)
};

// "create", "update", "deactivate", "reactivate", "delete", "link manager of".
[[nodiscard]] std::string_view verb(OperationKind kind);

// The operations one waits for, by id: a manager link waits for its manager's operation and
// its user's create, and nothing waits for more. Two ids inline (8 bytes), where a vector took
// 24 and an allocation; ids of four billion and more cannot be planned (memory ends first).
class Dependencies {
  public:
    void push_back(size_t id) {
        if (size() == m_ids.size() || id >= k_none)
            throw std::length_error("an operation waits for at most two others");
        m_ids[size()] = static_cast<std::uint32_t>(id);
    }
    void clear() { m_ids.fill(k_none); }
    [[nodiscard]] size_t size() const {
        return static_cast<size_t>(
            std::ranges::count_if(m_ids, [](auto id) { return id != k_none; }));
    }
    [[nodiscard]] bool empty() const { return m_ids[0] == k_none; }
    [[nodiscard]] const std::uint32_t* begin() const { return m_ids.data(); }
    [[nodiscard]] const std::uint32_t* end() const { return m_ids.data() + size(); }

  private:
    static constexpr std::uint32_t k_none = UINT32_MAX;
    std::array<std::uint32_t, 2> m_ids{k_none, k_none}; // filled from the front
};

// What few operations have, held apart from Operation (8 bytes for those without it, 88 inline).
struct OperationDetails {
    std::string version;  // the user's ETag as the target last answered (If-Match); may be empty
    std::string decision; // scope or lifecycle, when they decided this operation
    std::vector<scim::UniqueChoice>
        unique; // create: candidates free in the state, the body's first
};

struct Operation {
    OperationKind kind = OperationKind::create;
    std::string key;
    std::string scim_id;          // empty for a create
    std::string origin;           // the source record, for messages
    nlohmann::json body;          // the body the target should hold afterwards; null while packed
    scim::PackedJson packed_body; // a create's body as mapped, kept as text until it is sent
    std::vector<scim::AttributeChange> changes; // empty for a create
    // A create that was journaled before but never confirmed: look it up before sending again.
    bool resolve_first = false;
    // Drift repair (sync --reconcile): the target no longer held what hr2scim had sent.
    bool repair = false;
    // A create whose manager is created in this run, its manager link folded into it while the
    // plan is only counted and shown (Plan::folded_links; Plan::unfold_links makes the link).
    bool link_after = false;
    std::string manager_key; // link_manager: whose SCIM id to set (and a create with link_after)
    // Its place in the plan, and the operations that must succeed before it is sent (a
    // manager link waits for both users' creates). Dependencies are explicit, never implied
    // by order, so the executor may run operations concurrently.
    size_t id = 0;
    Dependencies depends_on;

    // The ETag, the decision and unique() candidates; edit_details() makes room.
    [[nodiscard]] const OperationDetails& details() const { return m_details.get(); }
    [[nodiscard]] OperationDetails& edit_details() { return m_details.edit(); }
    // Makes room only for a value: most creates and manager links have neither.
    void set_version(std::string version) {
        if (!version.empty() || !details().version.empty())
            edit_details().version = std::move(version);
    }
    void set_decision(std::string decision) {
        if (!decision.empty() || !details().decision.empty())
            edit_details().decision = std::move(decision);
    }

    // The body, parsed from its text when packed.
    [[nodiscard]] nlohmann::json full_body() const {
        return packed_body.empty() || !body.is_null() ? body : packed_body.parse();
    }
    // The executor's: a packed body is parsed just before the operation is sent and the tree
    // let go of once its outcome is recorded; the text stays, so full_body() still reads it.
    // (Parsing every body before sending held a 3.8 KB tree per person for the whole run.)
    void parse_for_sending() {
        if (!packed_body.empty() && body.is_null()) body = packed_body.parse();
    }
    void let_go_of_parsed() {
        if (!packed_body.empty()) body = nullptr;
    }
    // Parses a packed body in place, for an edit (the clear gate); the text goes.
    void unpack() {
        if (packed_body.empty()) return;
        body = packed_body.parse();
        packed_body = {};
    }

  private:
    scim::RareFields<OperationDetails> m_details;
};

// A person the source no longer lists (without a termination date): deactivated only once
// absent from safety.confirm_absence complete reads in a row (and, with
// safety.confirm_absence_after, that long), since a clean cut of an export looks the same.
struct Absence {
    std::string key; // the state's spelling
    std::chrono::sys_seconds first_absent{};
    size_t reads = 0;       // complete reads in a row without them, this one included
    bool confirmed = false; // deactivated by this plan (or withheld by a gate)
    std::string until;      // not confirmed: what deactivates them ("next run if still absent")
};

// A manager key no record has (or whose record was rejected): the link the target holds
// stays, and the record is reported.
struct RejectedLink {
    std::string key;
    std::string origin;
    std::string manager_key;
};

struct Plan {
    std::vector<Operation> operations;
    std::vector<Operation>
        withheld; // deactivations and deletions a safety gate or a failed source held back
    std::optional<std::string> withheld_reason;
    std::vector<Operation>
        switched_off;             // kinds the target's config does not allow (target.operations)
    bool stopped_by_gate = false; // withheld by a safety limit (not by a failed source)
    size_t unchanged = 0;
    size_t protected_keys = 0; // keys left alone because their record was rejected
    size_t held = 0; // accounts left alone by scope ("leave") or before their pre-hire window
    size_t terminated_without_account =
        0; // left before they had an account (or after it was deleted): none is made
    std::vector<std::string> unlinked_managers; // "E1002: manager E9 is not provisioned"
    std::vector<RejectedLink> rejected_links;   // unknown managers: the link held is kept
    // Everyone absent from this read and not yet deactivated, confirmed or not: what the state
    // remembers when `absences_counted` (the read was complete and trusted).
    std::vector<Absence> absences;
    bool absences_counted = false;
    // Manager links folded into their users' creates (PlanPolicy::fold_links): a plan of a
    // million new people that is only printed holds half the operations. Anything that sends
    // or writes the plan unfolds it first.
    size_t folded_links = 0;
    bool case_sensitive_keys = false; // as the planner compared keys, for unfold_links()

    // The operations, manager links folded into creates included.
    [[nodiscard]] size_t operation_count() const { return operations.size() + folded_links; }
    // The operations before the first manager link, deactivation or deletion: those a folded
    // plan lists as the unfolded one would.
    [[nodiscard]] size_t leading_operations() const;
    // Makes each folded manager link an operation of its own, where and as make_plan() would
    // have made it without folding: after the creates, updates and reactivations, in the order
    // of the users' keys, depending on the manager's operation and the user's create.
    void unfold_links();

    // Absent, not deactivated yet: waiting for the next reads to confirm it.
    [[nodiscard]] size_t absent_unconfirmed() const;

    [[nodiscard]] size_t count(OperationKind kind) const;
    // Every kind's count (folded links among the links) in one pass over the operations: a plan
    // of a million is counted once, not once a kind.
    struct Counts {
        std::array<size_t, 6> by_kind{};
        [[nodiscard]] size_t operator[](OperationKind kind) const {
            return by_kind[static_cast<size_t>(kind)];
        }
    };
    [[nodiscard]] Counts counts() const;
    [[nodiscard]] size_t count_withheld(OperationKind kind) const;
    // Exactly which operations are withheld (kind, key, account), one line each: the users'
    // part of the run's withheld set (state::withheld_digest in group_plan.hpp).
    [[nodiscard]] std::vector<std::string> withheld_items() const;
    // Sends what a safety gate withheld, after an admin approved exactly this set.
    void release_withheld();
};

} // namespace hr2scim::state
