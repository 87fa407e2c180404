#pragma once
// Groups planned like users: what each group should be (from the people's `groups:`
// memberships), against what was last sent, becomes creates, renames, member additions and
// removals in chunks, and deletions of empty groups by policy. A removal needs a reason (the
// person moved, was deactivated or deleted in this run's user plan); anyone else stays, so a
// rejected record or a withheld deactivation never takes someone out of a group. Removing more
// than a share of a group's members, or emptying it, is withheld like a mass deactivation.

#include "scim/desired_resource.hpp"
#include "state/plan.hpp"
#include "state/stored_group.hpp"
#include "state/stored_resource.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hr2scim::state {

struct GroupPolicy {
    size_t max_member_changes_per_patch = 100; // the target's limit on one PATCH
    // Deactivated users stay members until their account is deleted (members.remove_on:
    // deletion); by default they leave their groups when deactivated.
    bool keep_deactivated_members = false;
    bool delete_empty_groups = false; // hr2scim's own groups left without members
    // A run removing more than this share of a group's members (two or more), or emptying it,
    // is withheld for that group.
    double max_member_removal_percent = 50;
    bool case_sensitive_keys = false;
    // Groups that exist on the target without hr2scim, named in the config as managed: a rule's
    // group of that display name takes the existing one over, never deletes it, and changes
    // only the membership of the people hr2scim manages.
    std::set<std::string> managed_names;
};

// A group as the people's memberships make it: the first record's name, externalId and
// extension, and everyone who belongs.
struct DesiredGroup {
    scim::GroupMembership group;
    std::vector<std::string> members; // source keys, each person once, in key order
};

enum class GroupOperationKind { create, rename, add_members, remove_members, remove };

// "create group", "rename group", "add to", "remove from", "delete group".
[[nodiscard]] std::string_view verb(GroupOperationKind kind);

struct GroupOperation {
    GroupOperationKind kind = GroupOperationKind::create;
    std::string key;
    std::string scim_id; // empty until the group is created
    std::string display_name;
    std::string external_id;
    nlohmann::json extension;
    std::vector<std::string> members;    // add or remove: this chunk's members, by source key
    std::vector<std::string> member_ids; // remove: their SCIM ids as they were added
    std::string decision;                // why members leave ("moved", "deactivated", ...)
    // A create journaled before but never confirmed: look the group up before sending again.
    // An addition to a group whose earlier addition was never confirmed: read its members first.
    bool resolve_first = false;
    // A create of a group the config names as managed: the existing one, found by name, is
    // taken over (and never deleted); only when there is none is it created.
    bool managed_existing = false;
};

struct GroupPlan {
    std::vector<GroupOperation> operations;
    std::vector<GroupOperation> withheld; // member removals and deletions a gate held back
    std::vector<std::string> withheld_reasons;
    size_t unchanged = 0; // groups already as they should be
    // Member removals and deletions not planned at all because the source is incomplete (they
    // cannot be approved: the next complete read decides), and why.
    size_t held_back = 0;
    std::optional<std::string> held_back_reason;

    [[nodiscard]] size_t count(GroupOperationKind kind) const;
    // Exactly which removals are withheld, one line each ("remove from <key> E1 E2"): what the
    // run's withheld set (withheld_digest below) names of the groups.
    [[nodiscard]] std::vector<std::string> withheld_items() const;
    // Sends everything the gate withheld (a plan file being applied: it was reviewed whole).
    void release_withheld();
    // Sends the withheld removals among `approved` (withheld_items lines); the others stay
    // withheld, with their reasons.
    void release_withheld(const std::vector<std::string>& approved);
    // Members added or removed, over every chunk.
    [[nodiscard]] size_t members(GroupOperationKind kind) const;
};

// Whose memberships count: provisioned people whose last working day has not passed.
[[nodiscard]] bool holds_groups(const scim::DesiredResource& person);

// Everyone's groups by group key, in key order.
[[nodiscard]] std::vector<DesiredGroup>
collect_groups(const std::vector<scim::DesiredResource>& people, bool case_sensitive_keys);

struct GroupInputs {
    const std::vector<DesiredGroup>& desired;
    const std::vector<StoredGroup>& stored;
    const std::vector<scim::DesiredResource>& people;
    const std::vector<StoredResource>& users; // the state's users
    const Plan& user_plan;                    // after its gates
    const std::set<std::string>& protected_keys;
    // Why the source cannot say who left (a failed or incomplete read): unreadable is not
    // absent, so nobody leaves a group and no group is deleted; joins and renames still go.
    std::optional<std::string> source_incomplete = std::nullopt;
};

[[nodiscard]] GroupPlan plan_groups(const GroupInputs& inputs, const GroupPolicy& policy);

// The run's one withheld set: the users' deactivations and deletions a safety gate held back
// (not those a failed source held: nothing can approve them) and the groups' removals, as one
// short digest that `--approve-withheld` names. Without group removals it is the users' digest
// as it always was.
[[nodiscard]] std::vector<std::string> withheld_items(const Plan& users, const GroupPlan* groups);
[[nodiscard]] std::string withheld_digest(const Plan& users, const GroupPlan* groups);

} // namespace hr2scim::state
