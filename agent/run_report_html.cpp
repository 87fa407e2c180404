#include "agent/run_report_html.hpp"

#include "agent/html_page.hpp"
#include "agent/output_file.hpp"
#include "http/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <sstream>
#include <vector>

namespace hr2scim::agent {
namespace {

using nlohmann::ordered_json;

// What a server or the system said (a refusal, a breaker's reason, a file's error): it may echo
// a secret, so it is redacted before it is escaped (escaping could hide the secret's spelling).
std::string said(const std::string& text) {
    return escaped(http::redact_secrets(text));
}

std::string label(std::string text) {
    std::ranges::replace(text, '_', ' ');
    return text;
}

ShownOutcome shown_outcome(const apply::Outcome& outcome) {
    switch (outcome.result) {
    case apply::Result::done:
        return {.outcome = "done",
                .reason = outcome.adoption.empty() && outcome.recreated
                              ? "created again: the target had deleted the account"
                              : outcome.adoption};
    case apply::Result::skipped:
        return {.outcome = "not_sent", .reason = outcome.message};
    case apply::Result::unknown:
        return {.outcome = "unknown", .reason = outcome.message};
    default:
        return {.outcome = "failed",
                .result = std::string(apply::to_string(outcome.result)),
                .reason = outcome.message};
    }
}

struct Entry {
    const state::Operation* operation;
    ShownOutcome outcome;
};

// Every operation of the run with what became of it; a run that sent nothing sent none of the
// plan's.
std::vector<Entry> entries(const RunReportInputs& inputs) {
    std::vector<Entry> all;
    if (inputs.outcomes) {
        for (const auto& outcome : *inputs.outcomes)
            if (outcome.operation) all.push_back({outcome.operation, shown_outcome(outcome)});
    } else if (inputs.plan) {
        for (const auto& operation : inputs.plan->operations)
            all.push_back({&operation,
                           {.outcome = "not_sent", .reason = inputs.stopped_because.value_or("")}});
    }
    for (auto& entry : all)
        entry.outcome.reason = http::redact_secrets(entry.outcome.reason);
    return all;
}

void write_head(std::ostream& out, const RunReportInputs& inputs, const ordered_json& report) {
    const std::string result = report["result"];
    std::string command = inputs.command;
    if (!command.empty())
        command[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(command[0])));
    out << "<h1>" << escaped(command) << " of target &ldquo;" << escaped(inputs.target)
        << "&rdquo;</h1><p id=\"result\" class=\"result\" data-result=\"" << escaped(result)
        << "\" data-exit-code=\"" << inputs.exit_code << "\">Result: " << escaped(label(result))
        << " (exit " << inputs.exit_code << ")</p><p>Started "
        << escaped(report["started_at"].get<std::string>()) << ", finished "
        << escaped(report["finished_at"].get<std::string>()) << " ("
        << fmt::format("{:.1f}", report["duration_seconds"].get<double>()) << " s)";
    if (inputs.run_id) out << "; run " << *inputs.run_id << " in the state";
    out << ".</p>\n";
    if (inputs.stopped_because)
        out << "<p>Stopped before sending: " << said(*inputs.stopped_because) << "</p>\n";
    if (inputs.tally && inputs.tally->abandoned)
        out << "<p>The target was given up while sending: " << said(*inputs.tally->abandoned)
            << "</p>\n";
    if (inputs.interrupted)
        out << "<p>Asked to stop before it sent everything: what it did not send is not a "
               "failure, and the next run sends it.</p>\n";
    if (inputs.warnings.empty()) return;
    out << "<section id=\"warnings\"><h2>Warnings</h2><ul>";
    for (const auto& warning : inputs.warnings)
        out << "<li>" << said(warning) << "</li>";
    out << "</ul></section>\n";
}

// The JSON report's own counts, so that the two say the same: the source's, the plan's, and
// what was applied ("applied.created").
void write_counts(std::ostream& out, const ordered_json& report) {
    out << "<section id=\"summary\"><h2>Counts</h2>";
    for (const auto* part : {"source", "plan", "applied"}) {
        if (!report.contains(part)) continue;
        out << "<table class=\"summary\"><caption>" << part << "</caption>";
        for (const auto& [name, value] : report[part].items()) {
            if (value.is_number_unsigned() || value.is_number_integer())
                write_count_row(out, label(name), std::string(part) + "." + name,
                                value.get<size_t>());
            else
                out << "<tr><th>" << escaped(label(name)) << "</th><td>" << escaped(value.dump())
                    << "</td></tr>";
        }
        out << "</table>";
    }
    out << "</section>\n";
}

// One list of operations; past `listed`, how many more.
void write_list(std::ostream& out, const std::string& id, const std::string& title,
                const std::vector<const Entry*>& list, size_t listed) {
    out << "<section id=\"" << id << "\"><h2>" << title << " (" << list.size() << ")</h2>\n";
    for (size_t i = 0; i < list.size() && i < listed; ++i)
        write_operation(out, *list[i]->operation, list[i]->outcome);
    if (list.size() > listed)
        out << "<p class=\"more\">And " << list.size() - listed
            << " more, counted above (the JSON report, --report, lists every failure).</p>";
    out << "</section>\n";
}

void write_rejections(std::ostream& out, const std::vector<connectors::Rejection>& rejections,
                      size_t listed) {
    out << "<section id=\"rejected\"><h2>Rejected records (" << rejections.size()
        << ")</h2><p>Not provisioned, and what the target holds for them left alone:</p><table>"
           "<tr><th>key</th><th>record</th><th>reason</th></tr>";
    for (size_t i = 0; i < rejections.size() && i < listed; ++i)
        out << "<tr class=\"rejected\" data-key=\"" << escaped(rejections[i].key) << "\"><td>"
            << escaped(rejections[i].key) << "</td><td>" << escaped(rejections[i].origin)
            << "</td><td>" << escaped(rejections[i].reason) << "</td></tr>";
    out << "</table>";
    if (rejections.size() > listed)
        out << "<p class=\"more\">And " << rejections.size() - listed << " more.</p>";
    out << "</section>\n";
}

} // namespace

std::string run_report_html(const RunReportInputs& inputs, size_t listed) {
    const auto report = run_report(inputs);
    std::ostringstream out;
    write_page_head(out, "hr2scim " + inputs.command + " of target " + inputs.target);
    write_head(out, inputs, report);
    write_counts(out, report);
    if (inputs.plan)
        write_withheld(out, *inputs.plan, inputs.groups,
                       {.config = inputs.config,
                        .target = inputs.target,
                        .several_targets = inputs.several_targets});
    const auto all = entries(inputs);
    std::vector<const Entry*> not_done;
    std::vector<const Entry*> done;
    for (const auto& entry : all)
        (entry.outcome.outcome == "done" ? done : not_done).push_back(&entry);
    write_list(out, "not-done", "Not done", not_done, listed);
    if (inputs.rejections && !inputs.rejections->empty())
        write_rejections(out, *inputs.rejections, listed);
    write_list(out, "done", "Done", done, listed);
    // What the browser rendered, counted by the browser: the tests compare it with the JSON.
    out << "<script>const rendered=(s)=>document.querySelectorAll(s).length;"
           "const d=document.body.dataset;d.renderedDone=rendered('#done article[data-outcome="
           "\"done\"]');d.renderedFailed=rendered('#not-done article[data-outcome=\"failed\"]');"
           "d.renderedUnknown=rendered('#not-done article[data-outcome=\"unknown\"]');"
           "d.renderedNotSent=rendered('#not-done article[data-outcome=\"not_sent\"]');"
           "d.renderedRejected=rendered('#rejected tr.rejected');"
           "d.renderedWithheld=rendered('#withheld article');</script>\n</body></html>\n";
    return out.str();
}

void write_run_report_html(const std::filesystem::path& file, const RunReportInputs& inputs) {
    // As the JSON report: whatever else on the page a server echoed is redacted too.
    write_file_atomically(file, http::redact_secrets(run_report_html(inputs)), 0600);
}

} // namespace hr2scim::agent
