#pragma once
// The planner: a pure function of (desired set, state, policy) to a plan.

#include "scim/attribute_path.hpp"
#include "scim/desired_resource.hpp"
#include "state/identity_table.hpp"
#include "state/plan.hpp"
#include "state/stored_resource.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hr2scim::state {

// Deactivations and deletions together, per run.
struct SafetyLimits {
    size_t max_deactivations = 50;        // per run, absolute
    double max_deactivation_percent = 20; // per run, share of the active users in the state
    // Clearing one attribute for more than this share of the active users in one run (a
    // column blanked in the export) is withheld like a mass deactivation.
    double max_clear_percent = 20;
    // A person absent from the source (no termination date, no scope decision) is deactivated
    // once absent from this many complete reads in a row (1: at once), and not before
    // `confirm_absence_after` has passed since the first.
    size_t confirm_absence = 2;
    std::optional<std::chrono::seconds> confirm_absence_after;
};

// Which kinds of change a target may receive (target.operations); what is switched off is
// planned, shown, and not sent.
struct OperationSwitches {
    bool create = true;
    bool update = true; // updates, reactivations and manager links
    bool deactivate = true;
    bool remove = true; // DELETE

    [[nodiscard]] bool allows(OperationKind kind) const;
};

struct PlanPolicy {
    SafetyLimits limits;
    // Why the source cannot be trusted to say who left (failed read, unreadable records
    // without a key); when set, nobody is deactivated.
    std::optional<std::string> source_incomplete;
    std::set<std::string> protected_keys; // rejected records: neither updated nor deactivated
    // Attributes whose source could not be read this run (a failed joined source): they keep
    // the value last sent, neither changed nor cleared.
    std::vector<scim::AttributePath> kept_paths;
    std::chrono::sys_seconds now{};                // the run's instant
    std::optional<std::chrono::days> delete_after; // grace before DELETE; none: never delete
    bool case_sensitive_keys = false; // keys compare trimmed and, unless this is set, ignoring case
    OperationSwitches operations;
    // The attributes the mapping sets, as diff paths ("title", "name.givenName", "emails",
    // "<URN>:department"); nothing: all. An attribute no rule sets any more is not managed: it
    // is never cleared because its rule was removed.
    std::optional<std::vector<std::string>> managed_paths;
    // Who was absent from earlier complete reads, by the state's key (safety.confirm_absence).
    std::map<std::string, AbsenceMark, std::less<>> absences;
    // Managers no record names whom this target deleted after they left (identity keys): not
    // unknown; their reports lose the link to the deleted account, as before.
    std::set<std::string> departed_managers;
    // Fold each manager link into its user's create (Plan::folded_links): for a plan that is
    // only printed and counted (plan without --out); sync and plan files never fold.
    bool fold_links = false;
};

// Whether a diff path is one the mapping manages (or a part of one); all when not known.
[[nodiscard]] bool is_managed(const std::string& path,
                              const std::optional<std::vector<std::string>>& managed_paths);

// The state's resources by identity key (trimmed, and folded unless keys are case-sensitive),
// and in that order. With two rows for one person, the last one read wins.
class StoredIndex {
  public:
    StoredIndex(const std::vector<StoredResource>& stored, bool case_sensitive);

    [[nodiscard]] const StoredResource* find(std::string_view key) const;
    // The SCIM id the state has for a key; nothing while pending or unknown.
    [[nodiscard]] const std::string* scim_id(std::string_view key) const;
    // Each person once (the last row read for them), by identity key.
    [[nodiscard]] const std::vector<const StoredResource*>& ordered() const { return m_ordered; }
    // Whether a person was found unchanged at a glance with this row (unchanged_at_a_glance marks
    // it, from any mapping thread): planning then neither reads its body nor looks it up again.
    [[nodiscard]] bool unchanged(const StoredResource& resource) const {
        return m_unchanged[row_of(resource)].load(std::memory_order_relaxed);
    }
    void mark_unchanged(const StoredResource& resource) const {
        m_unchanged[row_of(resource)].store(true, std::memory_order_relaxed);
    }

  private:
    [[nodiscard]] size_t row_of(const StoredResource& resource) const {
        return static_cast<size_t>(&resource - m_stored.data());
    }

    struct KeyOf {
        const std::vector<StoredResource>* stored;
        std::string_view operator()(size_t index) const { return (*stored)[index].key; }
    };
    [[nodiscard]] const StoredResource* near_last_found(std::string_view key) const;

    const std::vector<StoredResource>& m_stored;
    bool m_case_sensitive;
    bool m_one_row_each = true; // no identity has two rows: a row with the key is the row
    IdentityTable<KeyOf> m_by_id;
    std::vector<const StoredResource*> m_ordered; // 8 bytes a person; the keys are in m_stored
    mutable std::vector<std::atomic<bool>> m_unchanged; // by row of m_stored
};

// Unchanged, known from fingerprints alone: the body the planner would send is the one the
// state says was sent (same body_hash), and nothing else in the plan depends on reading it.
// The row is marked so (StoredIndex::unchanged).
[[nodiscard]] bool unchanged_at_a_glance(const scim::DesiredResource& desired,
                                         const StoredIndex& stored,
                                         const std::vector<scim::AttributePath>& kept_paths);

// The manager's SCIM id in a body (enterprise extension), with the extension in `schemas`.
void set_manager_id(nlohmann::json& body, const std::string& manager_id);

// Readies a mapped person for planning at scale: the manager's SCIM id, when the state has
// one (`manager_id`), goes into the body as the planner would put it; the body is packed; and
// its fingerprint is the body_hash the state would hold had this body been sent. Nothing may
// change the body afterwards without clearing the fingerprint.
void pack_for_planning(scim::DesiredResource& desired, const std::string* manager_id);
// A body the compiled mapping wrote as text, the manager's id in it: only the fingerprint.
void fingerprint_packed(scim::DesiredResource& desired);

// Which stored resources planning needs the bodies of (positions in `stored`): all but those
// whose fingerprint shows them unchanged, and those the scope holds. Read these, and only
// these, before make_plan when the snapshot was read without bodies.
// `index`, when given, indexes `stored` already (an index of a million keys takes a while).
[[nodiscard]] std::vector<size_t>
resources_needing_bodies(const std::vector<scim::DesiredResource>& desired,
                         const std::vector<StoredResource>& stored, const PlanPolicy& policy,
                         const StoredIndex* index = nullptr);

[[nodiscard]] Plan make_plan(const std::vector<scim::DesiredResource>& desired,
                             const std::vector<StoredResource>& stored, const PlanPolicy& policy,
                             const StoredIndex* index = nullptr);

} // namespace hr2scim::state
