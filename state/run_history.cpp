#include "state/run_history.hpp"

#include "state/timestamp.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace hr2scim::state {
namespace {

constexpr std::string_view k_run_columns =
    "id, target, command, started_at, finished_at, exit_code, "
    "COALESCE((julianday(finished_at) - julianday(started_at)) * 86400.0, 0), records, created, "
    "updated, deactivated, reactivated, unchanged, rejected, failed, withheld, "
    "COALESCE(source_complete, 0)";

RunRecord run_from(const Statement& row) {
    auto count = [&](int column) { return static_cast<size_t>(row.integer(column)); };
    RunRecord run;
    run.id = row.integer(0);
    run.target = row.text(1);
    run.command = row.text(2);
    run.started_at = row.text(3);
    if (!row.is_null(4)) run.finished_at = row.text(4);
    if (!row.is_null(5)) run.exit_code = static_cast<int>(row.integer(5));
    auto duration = row.view(6);
    run.duration_seconds = duration.empty() ? 0.0 : std::stod(std::string(duration));
    run.counts = {count(7),  count(8),  count(9),  count(10), count(11),
                  count(12), count(13), count(14), count(15), row.integer(16) != 0};
    return run;
}

void add(RunCounts& total, const RunCounts& run) {
    total.records += run.records;
    total.created += run.created;
    total.updated += run.updated;
    total.deactivated += run.deactivated;
    total.reactivated += run.reactivated;
    total.unchanged += run.unchanged;
    total.rejected += run.rejected;
    total.failed += run.failed;
    total.withheld += run.withheld;
    total.not_sent += run.not_sent;
}

} // namespace

std::vector<TargetHistory> read_history(Database& db, size_t recent) {
    std::map<std::string, TargetHistory> targets;
    auto history_of = [&](const std::string& target) -> TargetHistory& {
        auto& history = targets[target];
        history.target = target;
        return history;
    };
    // Columns later schemas added (outcomes 7, interrupted and not_sent 11), or what a state
    // read as it is, from before them, stands for them.
    std::set<std::string, std::less<>> columns;
    for (auto column = db.prepare("PRAGMA table_info(runs)"); column.step();)
        columns.insert(column.text(1));
    auto column_or = [&](const char* name, const char* otherwise) {
        return std::string(", ") + (columns.contains(name) ? name : otherwise);
    };
    auto runs = db.prepare("SELECT " + std::string(k_run_columns) + column_or("outcomes", "NULL") +
                           column_or("interrupted", "0") + column_or("not_sent", "0") +
                           " FROM runs ORDER BY id DESC");
    while (runs.step()) {
        auto run = run_from(runs);
        run.interrupted = runs.integer(18) != 0;
        run.counts.not_sent = static_cast<size_t>(runs.integer(19));
        auto& history = history_of(run.target);
        if (!runs.is_null(17)) {
            const auto outcomes = nlohmann::json::parse(runs.view(17), nullptr, false);
            if (outcomes.is_object())
                for (const auto& [kind, by_outcome] : outcomes.items())
                    if (by_outcome.is_object())
                        for (const auto& [outcome, count] : by_outcome.items())
                            if (count.is_number_unsigned())
                                history.operations[{kind, outcome}] += count.get<size_t>();
        }
        if (run.exit_code) {
            if (run.interrupted && *run.exit_code == 0)
                ++history.interrupted_runs;
            else
                ++history.runs_by_exit_code[*run.exit_code];
            add(history.totals, run.counts);
            if (*run.exit_code == 0 && !run.interrupted && !history.last_success)
                history.last_success = run;
        } else {
            ++history.unfinished_runs;
        }
        if (history.recent.size() < recent) history.recent.push_back(std::move(run));
    }
    auto users =
        db.prepare("SELECT target, status, count(*) FROM resources GROUP BY target, status");
    while (users.step()) {
        auto& history = history_of(users.text(0));
        const auto status = users.text(1);
        const auto count = static_cast<size_t>(users.integer(2));
        if (status == "active") history.active_users = count;
        if (status == "deactivated") history.deactivated_users = count;
        if (status == "pending_create") history.pending_creates = count;
    }
    std::vector<TargetHistory> all;
    all.reserve(targets.size());
    for (auto& [name, history] : targets)
        all.push_back(std::move(history));
    return all;
}

std::vector<TargetHistory> read_history(const std::filesystem::path& state, size_t recent) {
    if (!std::filesystem::exists(state)) return {};
    Database db(state, true);
    return read_history(db, recent);
}

} // namespace hr2scim::state
