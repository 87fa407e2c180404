#include "agent/pace_estimate.hpp"

#include "apply/inbound_upload.hpp"
#include "scim/target_profile.hpp"

#include <algorithm>
#include <cmath>

namespace hr2scim::agent {

std::string count_text(size_t count) {
    std::string digits = std::to_string(count);
    for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(static_cast<size_t>(at), ",");
    return digits;
}

std::string duration_text(std::chrono::seconds duration) {
    const long long minutes = (duration.count() + 30) / 60; // to the nearest minute
    if (minutes <= 1) return duration.count() < 60 ? "under a minute" : "about 1 min";
    if (minutes < 60) return "about " + std::to_string(minutes) + " min";
    const long long hours = minutes / 60;
    if (hours < 48) {
        const long long rest = minutes % 60;
        return "about " + std::to_string(hours) + " h" +
               (rest > 0 ? " " + std::to_string(rest) + " min" : "");
    }
    const long long days = hours / 24;
    const long long rest = hours % 24;
    return "about " + std::to_string(days) + " days" +
           (rest > 0 ? " " + std::to_string(rest) + " h" : "");
}

Workload workload_of(const state::Plan& plan) {
    Workload work{.operations = plan.operation_count()};
    for (const auto& operation : plan.operations)
        work.read_backs += operation.kind == state::OperationKind::create ? 1 : 0;
    return work;
}

PaceEstimate estimate_pace(Workload work, const TargetConfig& target, const DailyCaps& daily) {
    const size_t operations = work.operations;
    PaceEstimate estimate;
    estimate.operations = operations;
    estimate.daily = daily;
    const auto& budget = target.budget;
    // An upload target takes 50 users a request and is never read back.
    const bool uploads = scim::TargetProfile::uploads_only(target.profile);
    const double writes = uploads ? std::ceil(static_cast<double>(operations) /
                                              static_cast<double>(apply::k_upload_max_users))
                                  : static_cast<double>(operations);
    if (uploads) work.read_backs = 0;
    const std::string carried =
        uploads ? " in uploads of " + std::to_string(apply::k_upload_max_users) : "";
    // Seconds each budget needs for its share of the requests; the longest binds.
    double seconds = 0;
    auto consider = [&](double requests, double per_second, std::string pace) {
        if (per_second <= 0 || requests <= 0) return;
        if (const double needed = requests / per_second;
            needed > seconds || estimate.pace.empty()) {
            seconds = std::max(seconds, needed);
            estimate.pace = std::move(pace);
        }
    };
    if (budget.writes)
        consider(writes, budget.writes->per_second(),
                 budget.writes->text() + carried + " (" + budget.source + ")");
    if (budget.reads)
        consider(static_cast<double>(work.read_backs), budget.reads->per_second(),
                 budget.reads->text() + " for the creates' read-backs (" + budget.source + ")");
    if (budget.requests_per_second > 0)
        consider(writes + static_cast<double>(work.read_backs), budget.requests_per_second,
                 http::Rate{budget.requests_per_second, std::chrono::seconds(1)}.text() + carried +
                     (work.read_backs > 0 ? " with the creates' read-backs" : "") +
                     " (target.requests_per_second)");
    std::optional<double> per_second; // operations a second at the binding budget
    if (!estimate.pace.empty() && operations > 0) {
        estimate.takes = std::chrono::seconds(static_cast<long long>(std::ceil(seconds)));
        per_second = static_cast<double>(operations) / std::max(seconds, 1e-9);
    }
    if (target.operations_per_run) {
        estimate.this_run = std::min(operations, *target.operations_per_run);
        estimate.run_limit = "target.budget.operations_per_run";
    }
    if (target.run_time && per_second) {
        const auto fits =
            static_cast<size_t>(static_cast<double>(target.run_time->count()) * *per_second);
        if (!estimate.this_run || fits < *estimate.this_run) {
            estimate.this_run = std::min(operations, fits);
            estimate.run_limit = "target.budget.run_time";
        }
    }
    if (const auto left = daily.operations_left({});
        left && (!estimate.this_run || left->first < *estimate.this_run)) {
        estimate.this_run = std::min(operations, left->first);
        estimate.run_limit = left->second;
    }
    return estimate;
}

void print_pace(std::ostream& out, const PaceEstimate& estimate) {
    if (estimate.operations == 0) return;
    if (estimate.takes)
        out << "Pace: " << count_text(estimate.operations) << " operations at " << estimate.pace
            << ": " << duration_text(*estimate.takes) << ".\n";
    if (const auto* spent = estimate.daily.spent()) {
        out << spent->spent_text() << " Nothing is sent until then; the "
            << count_text(estimate.operations) << " operations wait.\n";
        return;
    }
    for (const auto* cap : {&estimate.daily.writes, &estimate.daily.requests})
        if (*cap)
            out << "Daily cap: " << count_text((*cap)->left()) << " of " << count_text((*cap)->cap)
                << " " << (*cap)->kind << " left in the last 24 hours (" << (*cap)->setting
                << ").\n";
    if (estimate.this_run && *estimate.this_run < estimate.operations)
        out << "This run sends " << (estimate.run_limit == "target.budget.run_time" ? "about " : "")
            << count_text(*estimate.this_run) << " of them (" << estimate.run_limit
            << "), deactivations first; the other "
            << count_text(estimate.operations - *estimate.this_run) << " wait for the next runs.\n";
}

nlohmann::ordered_json to_json(const PaceEstimate& estimate) {
    nlohmann::ordered_json json{{"operations", estimate.operations}};
    if (!estimate.pace.empty()) json["pace"] = estimate.pace;
    if (estimate.takes) json["estimated_seconds"] = estimate.takes->count();
    if (estimate.this_run) {
        json["this_run"] = *estimate.this_run;
        json["run_limit"] = estimate.run_limit;
    }
    if (estimate.daily.any()) {
        auto& caps = json["daily_caps"] = nlohmann::ordered_json::object();
        if (estimate.daily.writes) caps["writes"] = to_json(*estimate.daily.writes);
        if (estimate.daily.requests) caps["requests"] = to_json(*estimate.daily.requests);
        if (const auto* spent = estimate.daily.spent())
            json["daily_cap_spent"] = spent->spent_text();
    }
    return json;
}

} // namespace hr2scim::agent
