#pragma once
// `plan --html FILE`: the plan as one self-contained page for the people who approve it (HR,
// security), who are not the people at the terminal. What will be created, changed,
// deactivated and deleted, per person with before and after; what a gate withheld and why,
// the withheld set's digest and the exact command that approves it. No network, no external
// asset: the file can be mailed or attached to a ticket. It names people: mode 0600.

#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace hr2scim::agent {

struct PlanPage {
    std::string target;
    std::filesystem::path config; // for the approve command
    std::chrono::sys_seconds made{};
    std::chrono::sys_seconds as_of{};
    bool several_targets = false; // the approve command names --target
};

// The page's HTML. Operations past `listed` are counted, not shown (a first load of a million);
// the withheld ones are always shown, as an approval names exactly them.
[[nodiscard]] std::string plan_html(const state::Plan& plan, const state::GroupPlan* groups,
                                    const PlanPage& page, size_t listed = 2000);

// Writes it to `file` (0600, replaced whole); ConfigError naming the file when it cannot.
void write_plan_html(const std::filesystem::path& file, const state::Plan& plan,
                     const state::GroupPlan* groups, const PlanPage& page);

} // namespace hr2scim::agent
