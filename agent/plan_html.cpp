#include "agent/plan_html.hpp"

#include "agent/html_page.hpp"
#include "agent/output_file.hpp"
#include "state/timestamp.hpp"

#include <sstream>

namespace hr2scim::agent {
namespace {

void write_summary(std::ostream& out, const state::Plan& plan, const state::GroupPlan* groups) {
    const auto counts = plan.counts();
    out << "<section id=\"summary\"><h2>Summary</h2><table class=\"summary\">";
    for (auto kind : {state::OperationKind::create, state::OperationKind::update,
                      state::OperationKind::deactivate, state::OperationKind::reactivate,
                      state::OperationKind::remove, state::OperationKind::link_manager})
        write_count_row(out, state::verb(kind), state::verb(kind), counts[kind]);
    write_count_row(out, "withheld", "withheld", plan.withheld.size());
    write_count_row(out, "unchanged", "unchanged", plan.unchanged);
    if (groups) write_count_row(out, "group changes", "group changes", groups->operations.size());
    out << "</table></section>\n";
}

// A group of everyone changes by thousands: the first ones, and how many more.
std::string member_list(const std::vector<std::string>& members) {
    constexpr size_t k_named = 50;
    std::string list;
    for (size_t i = 0; i < members.size() && i < k_named; ++i)
        list += (list.empty() ? "" : ", ") + members[i];
    if (members.size() > k_named)
        list += " and " + std::to_string(members.size() - k_named) + " more";
    return list;
}

} // namespace

std::string plan_html(const state::Plan& plan, const state::GroupPlan* groups, const PlanPage& page,
                      size_t listed) {
    std::ostringstream out;
    write_page_head(out, "hr2scim plan for target " + page.target);
    out << "<h1>Plan for target &ldquo;" << escaped(page.target) << "&rdquo;</h1><p>Made "
        << state::to_timestamp(page.made) << " from " << escaped(page.config.string())
        << ", dates decided as of " << state::to_timestamp(page.as_of)
        << ". Nothing has been sent.</p>\n";
    write_summary(out, plan, groups);
    write_withheld(
        out, plan, groups,
        {.config = page.config, .target = page.target, .several_targets = page.several_targets});
    out << "<section id=\"operations\"><h2>Changes (" << plan.operations.size() << ")</h2>\n";
    size_t shown_operations = 0;
    for (const auto& operation : plan.operations) {
        if (shown_operations == listed) break;
        write_operation(out, operation);
        ++shown_operations;
    }
    if (plan.operations.size() > shown_operations)
        out << "<p id=\"more\">And " << plan.operations.size() - shown_operations
            << " more, counted above (plan --out writes every one).</p>";
    out << "</section>\n";
    if (groups && !groups->operations.empty()) {
        out << "<section id=\"groups\"><h2>Group changes (" << groups->operations.size()
            << ")</h2><table><tr><th>change</th><th>group</th><th>members</th></tr>";
        for (const auto& operation : groups->operations)
            out << "<tr><td>" << escaped(state::verb(operation.kind)) << "</td><td>"
                << escaped(operation.display_name) << "</td><td>"
                << escaped(member_list(operation.members)) << "</td></tr>";
        out << "</table></section>\n";
    }
    // What the browser rendered, counted by the browser: the tests compare it with the plan.
    out << "<script>document.body.dataset.renderedChanges=document.querySelectorAll("
           "'#operations article').length;document.body.dataset.renderedWithheld="
           "document.querySelectorAll('#withheld article').length;</script>\n</body></html>\n";
    return out.str();
}

void write_plan_html(const std::filesystem::path& file, const state::Plan& plan,
                     const state::GroupPlan* groups, const PlanPage& page) {
    write_file_atomically(file, plan_html(plan, groups, page), 0600);
}

} // namespace hr2scim::agent
