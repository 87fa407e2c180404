#include "agent/plan_html.hpp"

#include "agent/output_file.hpp"
#include "state/timestamp.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

namespace hr2scim::agent {
namespace {

using nlohmann::json;

// Every value on the page comes from HR data: escaped, so a title of "<script>" is text.
std::string escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string shown(const std::optional<json>& value) {
    if (!value) return "<span class=\"none\">(none)</span>";
    return escaped(value->is_string()
                       ? value->get<std::string>()
                       : value->dump(-1, ' ', false, json::error_handler_t::replace));
}

// A create's attributes as path = value rows ("name.givenName", "emails").
void flatten(const json& value, const std::string& path,
             std::vector<std::pair<std::string, json>>& rows) {
    if (value.is_object() && path.find(':') == std::string::npos) {
        for (const auto& [name, inner] : value.items()) {
            if (path.empty() && name == "schemas") continue;
            flatten(inner, path.empty() ? name : path + "." + name, rows);
        }
        return;
    }
    if (value.is_object()) { // an extension: its attributes under its URN
        for (const auto& [name, inner] : value.items())
            flatten(inner, path + ":" + name, rows);
        return;
    }
    rows.emplace_back(path, value);
}

constexpr const char* k_style = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.changes{max-width:100%}
.summary td{text-align:right;font-variant-numeric:tabular-nums}
article{border-left:4px solid #999;padding:.2rem .8rem;margin:.8rem 0}
article.create,article.reactivate{border-color:#2e7d32}article.update,article.link{border-color:#b58900}
article.deactivate,article.delete{border-color:#c62828}
h3{margin:.2rem 0;font-size:1rem}small{color:#555;font-weight:normal}
.why{color:#444;margin:.2rem 0}.none{color:#888;font-style:italic}
#withheld{background:#fff4e5;padding:.5rem 1rem;border:1px solid #f0b429}
code{background:#f3f3f3;padding:.1rem .3rem;word-break:break-all}
)";

std::string css_class(state::OperationKind kind) {
    switch (kind) {
    case state::OperationKind::create:
        return "create";
    case state::OperationKind::update:
        return "update";
    case state::OperationKind::deactivate:
        return "deactivate";
    case state::OperationKind::reactivate:
        return "reactivate";
    case state::OperationKind::remove:
        return "delete";
    case state::OperationKind::link_manager:
        return "link";
    }
    return "update";
}

void write_operation(std::ostream& out, const state::Operation& operation) {
    out << "<article class=\"" << css_class(operation.kind) << "\" data-kind=\""
        << escaped(state::verb(operation.kind)) << "\" data-key=\"" << escaped(operation.key)
        << "\"><h3>" << escaped(state::verb(operation.kind)) << " " << escaped(operation.key);
    if (!operation.origin.empty()) out << " <small>" << escaped(operation.origin) << "</small>";
    out << "</h3>";
    if (!operation.details().decision.empty())
        out << "<p class=\"why\">Why: " << escaped(operation.details().decision) << "</p>";
    if (operation.kind == state::OperationKind::link_manager) {
        out << "<p>manager: " << escaped(operation.manager_key) << "</p></article>\n";
        return;
    }
    out << "<table class=\"changes\"><tr><th>attribute</th><th>before</th><th>after</th></tr>";
    if (operation.kind == state::OperationKind::create) {
        std::vector<std::pair<std::string, json>> rows;
        flatten(operation.full_body(), "", rows);
        for (const auto& [path, value] : rows)
            out << "<tr><td>" << escaped(path) << "</td><td>" << shown(std::nullopt) << "</td><td>"
                << shown(value) << "</td></tr>";
    } else if (operation.kind == state::OperationKind::remove) {
        out << "<tr><td>(the account)</td><td>" << escaped(operation.scim_id) << "</td><td>"
            << shown(std::nullopt) << "</td></tr>";
    } else {
        for (const auto& change : operation.changes)
            out << "<tr><td>" << escaped(change.path) << "</td><td>" << shown(change.before)
                << "</td><td>" << shown(change.after) << "</td></tr>";
    }
    out << "</table></article>\n";
}

void write_summary(std::ostream& out, const state::Plan& plan, const state::GroupPlan* groups) {
    const auto counts = plan.counts();
    out << "<section id=\"summary\"><h2>Summary</h2><table class=\"summary\">";
    for (auto kind : {state::OperationKind::create, state::OperationKind::update,
                      state::OperationKind::deactivate, state::OperationKind::reactivate,
                      state::OperationKind::remove, state::OperationKind::link_manager})
        out << "<tr><th>" << escaped(state::verb(kind)) << "</th><td data-count=\""
            << escaped(state::verb(kind)) << "\">" << counts[kind] << "</td></tr>";
    out << "<tr><th>withheld</th><td data-count=\"withheld\">" << plan.withheld.size()
        << "</td></tr><tr><th>unchanged</th><td data-count=\"unchanged\">" << plan.unchanged
        << "</td></tr>";
    if (groups)
        out << "<tr><th>group changes</th><td data-count=\"group changes\">"
            << groups->operations.size() << "</td></tr>";
    out << "</table></section>\n";
}

void write_withheld(std::ostream& out, const state::Plan& plan, const state::GroupPlan* groups,
                    const PlanPage& page) {
    if (state::withheld_items(plan, groups).empty()) return;
    const auto digest = state::withheld_digest(plan, groups);
    std::string command = "hr2scim sync -c " + page.config.string();
    if (page.several_targets) command += " --target " + page.target;
    command += " --approve-withheld " + digest;
    out << "<section id=\"withheld\" data-digest=\"" << escaped(digest)
        << "\"><h2>Withheld: " << plan.withheld.size() << " deactivations and deletions"
        << (groups && !groups->withheld.empty()
                ? ", " + std::to_string(groups->withheld.size()) + " group changes"
                : std::string())
        << "</h2>";
    if (plan.withheld_reason) out << "<p>Why: " << escaped(*plan.withheld_reason) << "</p>";
    if (groups)
        for (const auto& reason : groups->withheld_reasons)
            out << "<p>Why: " << escaped(reason) << "</p>";
    out << "<p>Nothing below is sent until approved. The set's digest is <code>" << escaped(digest)
        << "</code>; after review, this sends exactly these, and nothing if the set has changed:"
           "</p><p><code id=\"approve\">"
        << escaped(command) << "</code></p>\n";
    for (const auto& operation : plan.withheld)
        write_operation(out, operation);
    if (groups)
        for (const auto& operation : groups->withheld)
            out << "<article class=\"delete\" data-kind=\"" << escaped(state::verb(operation.kind))
                << "\"><h3>" << escaped(state::verb(operation.kind)) << " "
                << escaped(operation.display_name) << "</h3><p>" << operation.members.size()
                << " members</p></article>\n";
    out << "</section>\n";
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
    out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width\">"
           // Nothing may load from anywhere: the page is read offline, by whoever it is sent to.
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
           "<title>hr2scim plan for target "
        << escaped(page.target) << "</title><style>" << k_style << "</style></head><body>\n";
    out << "<h1>Plan for target &ldquo;" << escaped(page.target) << "&rdquo;</h1><p>Made "
        << state::to_timestamp(page.made) << " from " << escaped(page.config.string())
        << ", dates decided as of " << state::to_timestamp(page.as_of)
        << ". Nothing has been sent.</p>\n";
    write_summary(out, plan, groups);
    write_withheld(out, plan, groups, page);
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
