#include "agent/html_page.hpp"

#include "agent/approval.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace hr2scim::agent {
namespace {

using nlohmann::json;

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
.summary td{text-align:right;font-variant-numeric:tabular-nums}.summary{display:inline-table;margin-right:1.5rem}
article{border-left:4px solid #999;padding:.2rem .8rem;margin:.8rem 0}
article.create,article.reactivate{border-color:#2e7d32}article.update,article.link{border-color:#b58900}
article.deactivate,article.delete{border-color:#c62828}
h3{margin:.2rem 0;font-size:1rem}small{color:#555;font-weight:normal}
.why{color:#444;margin:.2rem 0}.none{color:#888;font-style:italic}
#withheld{background:#fff4e5;padding:.5rem 1rem;border:1px solid #f0b429}
#warnings{background:#fdecea;padding:.5rem 1rem;border:1px solid #c62828}
.outcome{font-weight:600;margin:.2rem 0}.outcome.done{color:#2e7d32}.outcome.failed{color:#c62828}
.outcome.unknown{color:#b58900}.outcome.not_sent{color:#555}
.result{font-size:1.1rem;font-weight:600}
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

// "failed (refused): title is read-only here", under the operation's heading.
void write_outcome(std::ostream& out, const ShownOutcome& outcome) {
    std::string label = outcome.outcome;
    std::ranges::replace(label, '_', ' ');
    out << "<p class=\"outcome " << escaped(outcome.outcome) << "\">" << escaped(label);
    if (!outcome.result.empty() && outcome.result != label)
        out << " (" << escaped(outcome.result) << ")";
    if (!outcome.reason.empty())
        out << ": <span class=\"reason\">" << escaped(outcome.reason) << "</span>";
    out << "</p>";
}

void write_changes(std::ostream& out, const state::Operation& operation) {
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
    out << "</table>";
}

} // namespace

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

void write_page_head(std::ostream& out, std::string_view title) {
    out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width\">"
           // Nothing may load from anywhere: the page is read offline, by whoever it is sent to.
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
           "<title>"
        << escaped(title) << "</title><style>" << k_style << "</style></head><body>\n";
}

void write_count_row(std::ostream& out, std::string_view label, std::string_view key,
                     size_t count) {
    out << "<tr><th>" << escaped(label) << "</th><td data-count=\"" << escaped(key) << "\">"
        << count << "</td></tr>";
}

void write_operation(std::ostream& out, const state::Operation& operation,
                     const std::optional<ShownOutcome>& outcome) {
    out << "<article class=\"" << css_class(operation.kind) << "\" data-kind=\""
        << escaped(state::verb(operation.kind)) << "\" data-key=\"" << escaped(operation.key);
    if (outcome) out << "\" data-outcome=\"" << escaped(outcome->outcome);
    out << "\"><h3>" << escaped(state::verb(operation.kind)) << " " << escaped(operation.key);
    if (!operation.origin.empty()) out << " <small>" << escaped(operation.origin) << "</small>";
    out << "</h3>";
    if (outcome) write_outcome(out, *outcome);
    if (!operation.details().decision.empty())
        out << "<p class=\"why\">Why: " << escaped(operation.details().decision) << "</p>";
    if (operation.kind == state::OperationKind::link_manager)
        out << "<p>manager: " << escaped(operation.manager_key) << "</p>";
    else
        write_changes(out, operation);
    out << "</article>\n";
}

void write_withheld(std::ostream& out, const state::Plan& plan, const state::GroupPlan* groups,
                    const ApproveWith& approve) {
    const bool groups_withheld = groups && !groups->withheld.empty();
    if (plan.withheld.empty() && !groups_withheld) return;
    // A failed source withholds everything too, but no approval can send that.
    const bool approvable = !state::withheld_items(plan, groups).empty();
    const auto digest = approvable ? state::withheld_digest(plan, groups) : std::string();
    out << "<section id=\"withheld\" data-digest=\"" << escaped(digest)
        << "\"><h2>Withheld: " << plan.withheld.size() << " deactivations and deletions"
        << (groups_withheld ? ", " + std::to_string(groups->withheld.size()) + " group changes"
                            : std::string())
        << "</h2>";
    if (plan.withheld_reason) out << "<p>Why: " << escaped(*plan.withheld_reason) << "</p>";
    if (groups)
        for (const auto& reason : groups->withheld_reasons)
            out << "<p>Why: " << escaped(reason) << "</p>";
    if (approvable)
        out << "<p>Nothing below is sent until approved. The set's digest is <code>"
            << escaped(digest)
            << "</code>; after review, this sends exactly these, and nothing if the set has "
               "changed:</p><p><code id=\"approve\">"
            << escaped(approve_command(approve.config,
                                       approve.several_targets ? approve.target : "", digest))
            << "</code></p>\n";
    else
        out << "<p>No approval sends these: the next complete read of the source decides them."
               "</p>\n";
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

} // namespace hr2scim::agent
