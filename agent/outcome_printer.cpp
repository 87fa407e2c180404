#include "agent/outcome_printer.hpp"

#include "agent/colour.hpp"
#include "agent/pace_estimate.hpp"
#include "apply/stop_request.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace hr2scim::agent {
namespace {

// Failures one by one (up to `show`), every adoption, and why the target was abandoned.
// Even --quiet shows this many failures: they are what a cron mail is for.
constexpr size_t k_failures_always_shown = 20;

} // namespace

void print_outcomes(std::ostream& out, const std::vector<apply::Outcome>& outcomes,
                    const apply::Tally& result, size_t show) {
    size_t shown = 0, failures = 0;
    for (const auto& outcome : outcomes) {
        if (!outcome.adoption.empty())
            out << "  = " << outcome.operation->key << ": " << outcome.adoption << '\n';
        const bool abandoned_skip =
            result.abandoned && outcome.result == apply::Result::skipped &&
            outcome.message.starts_with("not sent: the target was abandoned");
        if (outcome.result == apply::Result::done || abandoned_skip || outcome.deferred ||
            outcome.stopped)
            continue;
        ++failures;
        if (shown++ < std::max<size_t>(show, k_failures_always_shown))
            out << "  ! " << state::verb(outcome.operation->kind) << " " << outcome.operation->key
                << ": " << outcome.message << '\n';
    }
    if (failures > std::max<size_t>(show, k_failures_always_shown))
        out << "  ... and " << failures - std::max<size_t>(show, k_failures_always_shown)
            << " more failures (each is in the log)\n";
    if (result.deferred > 0)
        out << count_text(result.deferred)
            << " operations wait for the next run: this run's budget was spent (the most urgent, "
               "deactivations first, went).\n";
    if (result.stopped > 0)
        out << count_text(result.stopped) << " operations not sent: hr2scim was asked to stop ("
            << apply::stop_requested().value_or("?") << "); the next run sends them.\n";
    if (result.pace.rate_limited > 0)
        out << "The target answered 429 (rate limited) " << result.pace.rate_limited
            << " times; the pace was lowered " << result.pace.slowed_down << " times"
            << (result.pace.write_pace > 0
                    ? fmt::format(", to {:.2f} writes/s at the end", result.pace.write_pace)
                    : std::string())
            << ".\n";
    if (result.abandoned) {
        size_t not_sent = 0;
        for (const auto& outcome : outcomes)
            not_sent += outcome.result == apply::Result::skipped &&
                        outcome.message.starts_with("not sent: the target was abandoned");
        out << "The target could not be used (" << *result.abandoned << "); " << not_sent
            << " further operations were not attempted.\n";
    }
}

void print_summary(std::ostream& out, const std::string& target, const state::RunCounts& counts,
                   const apply::Tally& result, double seconds) {
    // A count in its tone when there is any: on a terminal, what was done and what failed
    // stand out.
    auto counted = [](size_t count, const char* what, Tone tone) {
        return Painted{count > 0 ? tone : Tone::plain, fmt::format("{} {}", count, what)};
    };
    out << fmt::format("\nApplied to target \"{}\" in {:.2f} s: ", target, seconds)
        << counted(counts.created, "created", Tone::added) << ", "
        << counted(counts.updated, "updated", Tone::changed) << ", "
        << counted(counts.deactivated, "deactivated", Tone::removed) << ", "
        << counted(counts.reactivated, "reactivated", Tone::added) << ", ";
    if (result.deleted) out << counted(result.deleted, "deleted", Tone::removed) << ", ";
    if (result.linked) out << counted(result.linked, "managers linked", Tone::changed) << ", ";
    out << counts.unchanged << " unchanged, " << counts.rejected << " rejected, "
        << counted(counts.failed, "failed", Tone::removed);
    if (counts.withheld)
        out << ", "
            << counted(counts.withheld, "deactivations and deletions withheld", Tone::warning);
    if (result.deferred) out << fmt::format(", {} left for the next run", result.deferred);
    if (result.stopped) out << fmt::format(", {} not sent (asked to stop)", result.stopped);
    out << ".\n";
    // An upload target took them to process later: the next sync reads its log.
    if (result.awaiting)
        out << fmt::format("{} of these were uploaded and await the target's provisioning log "
                           "(the next sync reads it, and sends again what failed).\n",
                           result.awaiting);
}

} // namespace hr2scim::agent
