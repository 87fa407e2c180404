#pragma once
// The pieces of the pages hr2scim writes for people who are not at the terminal (`plan --html`,
// `--report-html`): one self-contained page, nothing loaded from anywhere, every value from HR
// data or a server escaped, each person's change with before and after.

#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace hr2scim::agent {

// `text` as HTML text or an attribute's value: a title of "<script>" stays text.
[[nodiscard]] std::string escaped(std::string_view text);

// The doctype, the head (the Content-Security-Policy that lets nothing load, the style, the
// title, escaped here) and the opening <body>.
void write_page_head(std::ostream& out, std::string_view title);

// A row of a counts table; the browser-side checks find it by `data-count="key"`.
void write_count_row(std::ostream& out, std::string_view label, std::string_view key, size_t count);

// What became of an operation a run sent, on the run report's page.
struct ShownOutcome {
    std::string outcome{}; // done, failed, unknown or not sent (the article's data-outcome)
    std::string result{};  // the executor's word: refused, conflict, transient failure, ...
    std::string reason{};  // the target's answer, or why it was not sent; escaped when shown
};

// One person's operation as an <article>: the kind, the key, why it was planned and each
// attribute with before and after; with `outcome`, what became of it.
void write_operation(std::ostream& out, const state::Operation& operation,
                     const std::optional<ShownOutcome>& outcome = std::nullopt);

// Where the approve command points: the config, and the target when the config has several.
struct ApproveWith {
    std::filesystem::path config;
    std::string target;
    bool several_targets = false;
};

// What a gate (or a failed source) withheld and why; when an approval can send it, the set's
// digest and the exact command that does. Nothing when nothing was withheld.
void write_withheld(std::ostream& out, const state::Plan& plan, const state::GroupPlan* groups,
                    const ApproveWith& approve);

} // namespace hr2scim::agent
