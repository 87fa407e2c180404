#include "agent/approval.hpp"

namespace hr2scim::agent {

// Releases the users' withheld set when the approval names it; true when it did.
bool approve_withheld(state::Plan& plan, const RunOptions& options, std::ostream& out) {
    if (options.approve_withheld.empty() || !plan.stopped_by_gate ||
        plan.withheld_digest() != options.approve_withheld)
        return false;
    out << "Approved: the " << plan.withheld.size() << " withheld operations of set "
        << options.approve_withheld << " are sent.\n\n";
    plan.release_withheld();
    return true;
}

// The same for the groups' withheld removals (their sets start with "g").
bool approve_withheld(state::GroupPlan& plan, const RunOptions& options, std::ostream& out) {
    if (options.approve_withheld.empty() || plan.withheld.empty() ||
        plan.withheld_digest() != options.approve_withheld)
        return false;
    out << "Approved: the " << plan.withheld.size() << " withheld group changes of set "
        << options.approve_withheld << " are sent.\n\n";
    plan.release_withheld();
    return true;
}

// An approval that named neither withheld set.
void refuse_approval(const state::Plan& plan, const state::GroupPlan* groups,
                     const RunOptions& options, std::ostream& out) {
    const bool users = plan.stopped_by_gate && !plan.withheld.empty();
    const bool group_changes = groups && !groups->withheld.empty();
    if (!users && !group_changes) {
        out << "--approve-withheld " << options.approve_withheld
            << ": no safety gate withholds anything in this run; nothing to approve.\n\n";
        return;
    }
    out << "--approve-withheld " << options.approve_withheld
        << ": NOT APPLIED. The withheld set is now "
        << (users ? plan.withheld_digest() : groups->withheld_digest())
        << (users && group_changes ? " (users) and " + groups->withheld_digest() + " (groups)"
                                   : std::string())
        << ", not the one approved: review the plan again.\n\n";
}

} // namespace hr2scim::agent
