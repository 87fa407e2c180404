#include "agent/approval.hpp"

namespace hr2scim::agent {

bool approve_withheld(state::Plan& plan, std::optional<state::GroupPlan>& groups,
                      const std::function<state::GroupPlan()>& plan_groups,
                      const RunOptions& options, std::ostream& out) {
    const state::GroupPlan* group_plan = groups ? &*groups : nullptr;
    const auto approved = state::withheld_items(plan, group_plan);
    if (options.approve_withheld.empty() || approved.empty() ||
        state::withheld_digest(plan, group_plan) != options.approve_withheld)
        return false;
    const size_t users = plan.stopped_by_gate ? plan.withheld.size() : 0;
    const size_t group_changes = groups ? groups->withheld.size() : 0;
    out << "Approved: the " << users + group_changes << " withheld operations of set "
        << options.approve_withheld << " are sent";
    if (group_changes > 0) out << " (" << users << " of users, " << group_changes << " of groups)";
    out << ".\n\n";
    if (users > 0) {
        plan.release_withheld();
        if (groups) groups = plan_groups(); // after the users' plan as it now is
    }
    if (groups) {
        std::vector<std::string> approved_groups;
        for (const auto& item : approved)
            if (item.starts_with("group ")) approved_groups.push_back(item.substr(6));
        groups->release_withheld(approved_groups);
    }
    return true;
}

void print_withheld_set(std::ostream& out, const state::Plan& plan,
                        const state::GroupPlan* groups) {
    if (state::withheld_items(plan, groups).empty()) return;
    const auto digest = state::withheld_digest(plan, groups);
    out << "Withheld set " << digest << ". After reviewing it, `sync --approve-withheld " << digest
        << "` applies exactly these, and nothing if the set has changed.\n";
    if (plan.stopped_by_gate)
        out << "(In an emergency, --max-deactivations N lifts the limits by count for one run.)\n";
}

std::string approve_command(const std::filesystem::path& config, std::string_view target,
                            std::string_view digest) {
    std::string command = "hr2scim sync -c " + config.string();
    if (!target.empty()) command += " --target " + std::string(target);
    return command + " --approve-withheld " + std::string(digest);
}

void refuse_approval(const state::Plan& plan, const state::GroupPlan* groups,
                     const RunOptions& options, std::ostream& out) {
    if (state::withheld_items(plan, groups).empty()) {
        out << "--approve-withheld " << options.approve_withheld
            << ": no safety gate withholds anything in this run; nothing to approve.\n\n";
        return;
    }
    out << "--approve-withheld " << options.approve_withheld
        << ": NOT APPLIED. The withheld set is now " << state::withheld_digest(plan, groups)
        << ", not the one approved: review the plan again.\n\n";
}

} // namespace hr2scim::agent
