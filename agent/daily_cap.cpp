#include "agent/daily_cap.hpp"

#include "agent/pace_estimate.hpp"
#include "state/timestamp.hpp"

#include <algorithm>

namespace hr2scim::agent {
namespace {

// A request cap keeps this many requests for each operation: a create is POSTed and read back.
constexpr size_t k_requests_per_operation = 2;

DailyCap cap_of(std::string kind, std::string setting, size_t cap,
                const std::vector<state::RunRequests>& runs, bool writes_only,
                std::chrono::sys_seconds now) {
    DailyCap counted{std::move(kind), std::move(setting), cap, 0, {}, {}, {}, 1};
    if (!writes_only) counted.needed = 1 + k_requests_per_operation;
    auto sent_by = [&](const state::RunRequests& run) {
        return writes_only ? run.writes : run.requests;
    };
    for (const auto& run : runs) {
        if (run.finished + k_cap_window <= now) continue; // out of the window
        const size_t sent = sent_by(run);
        if (sent == 0) continue;
        counted.spent += sent;
        counted.since = counted.since ? std::min(*counted.since, run.started) : run.started;
        if (!counted.first_frees) counted.first_frees = run.finished + k_cap_window; // oldest
    }
    if (!counted.spent_for_a_run()) return counted;
    // Spent: it frees up as the oldest runs leave the window, enough for a run.
    size_t still = counted.spent;
    for (const auto& run : runs) {
        if (run.finished + k_cap_window <= now) continue;
        still -= std::min(still, sent_by(run));
        if (still + counted.needed <= cap) {
            counted.frees_at = run.finished + k_cap_window;
            break;
        }
    }
    return counted;
}

std::string time_text(std::chrono::sys_seconds instant) {
    return state::to_timestamp(instant);
}

} // namespace

std::string DailyCap::spent_text() const {
    std::string text = "The daily cap of " + count_text(cap) + " " + kind + " (" + setting + ") ";
    text += left() == 0 ? "is spent"
                        : "leaves " + count_text(left()) + ", too few for a run to send anything";
    text += ": " + count_text(spent) + " sent";
    if (since) text += " since " + time_text(*since);
    if (frees_at) text += "; the next run continues after " + time_text(*frees_at);
    return text + ".";
}

const DailyCap* DailyCaps::spent() const {
    if (requests && requests->spent_for_a_run()) return &*requests;
    if (writes && writes->spent_for_a_run()) return &*writes;
    return nullptr;
}

http::Allowance DailyCaps::allowance() const {
    http::Allowance allowance;
    auto refusal = [](const DailyCap& cap) {
        std::string text = std::string(http::k_daily_cap_refusal) + " of " + count_text(cap.cap) +
                           " " + cap.kind + " (" + cap.setting + ") is reached; it frees up ";
        return text + (cap.first_frees ? "from " + time_text(*cap.first_frees)
                                       : "24 hours after this run's requests went");
    };
    if (writes) {
        allowance.writes = writes->left();
        allowance.writes_spent = refusal(*writes);
    }
    if (requests) {
        allowance.requests = requests->left();
        allowance.requests_spent = refusal(*requests);
    }
    return allowance;
}

std::optional<std::pair<size_t, std::string>>
DailyCaps::operations_left(const http::RequestCounts& sent) const {
    std::optional<std::pair<size_t, std::string>> left;
    if (writes) left = {writes->left() - std::min(writes->left(), sent.writes), writes->setting};
    if (requests) {
        const size_t operations = (requests->left() - std::min(requests->left(), sent.requests)) /
                                  k_requests_per_operation;
        if (!left || operations < left->first) left = {operations, requests->setting};
    }
    return left;
}

DailyCaps daily_caps(const TargetConfig& target, const std::vector<state::RunRequests>& runs,
                     std::chrono::sys_seconds now) {
    DailyCaps caps;
    if (target.writes_per_day)
        caps.writes = cap_of("writes", "target.budget.writes_per_day", *target.writes_per_day, runs,
                             true, now);
    if (target.requests_per_day)
        caps.requests = cap_of("requests", "target.budget.requests_per_day",
                               *target.requests_per_day, runs, false, now);
    return caps;
}

DailyCaps daily_caps(const TargetConfig& target, state::StateStore& store,
                     std::chrono::sys_seconds now) {
    if (!target.writes_per_day && !target.requests_per_day) return {};
    return daily_caps(target, store.runs_sending_since(target.name, now - k_cap_window), now);
}

DailyCaps daily_caps(const TargetConfig& target, const std::filesystem::path& state,
                     std::chrono::sys_seconds now) {
    if (!target.writes_per_day && !target.requests_per_day) return {};
    return daily_caps(target, state::runs_sending_since(state, target.name, now - k_cap_window),
                      now);
}

nlohmann::ordered_json to_json(const DailyCap& cap) {
    nlohmann::ordered_json json{
        {"setting", cap.setting}, {"cap", cap.cap}, {"spent", cap.spent}, {"left", cap.left()}};
    if (cap.since) json["since"] = time_text(*cap.since);
    if (cap.frees_at) json["frees_at"] = time_text(*cap.frees_at);
    return json;
}

} // namespace hr2scim::agent
