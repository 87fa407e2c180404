#pragma once
// The planner: a pure function of (desired set, state, policy) to a plan.

#include "scim/attribute_path.hpp"
#include "scim/desired_resource.hpp"
#include "state/plan.hpp"
#include "state/stored_resource.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hr2scim::state {

// Deactivations and deletions together, per run.
struct SafetyLimits {
    size_t max_deactivations = 50;        // per run, absolute
    double max_deactivation_percent = 20; // per run, share of the active users in the state
    // Clearing one attribute for more than this share of the active users in one run (a
    // column blanked in the export) is withheld like a mass deactivation.
    double max_clear_percent = 20;
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
};

// Whether a diff path is one the mapping manages (or a part of one); all when not known.
[[nodiscard]] bool is_managed(const std::string& path,
                              const std::optional<std::vector<std::string>>& managed_paths);

[[nodiscard]] Plan make_plan(const std::vector<scim::DesiredResource>& desired,
                             const std::vector<StoredResource>& stored, const PlanPolicy& policy);

} // namespace hr2scim::state
