#pragma once
// A vendor's daily cap (target.budget.writes_per_day, requests_per_day): at most N requests in
// any rolling 24 hours, whatever runs sent them (Salesforce's 24-hour API request allocation is
// one). Worked out at the start of a run from what the state says the runs of the last 24 hours
// sent; the run may send what is left, and its client refuses to send more
// (http/request_counter.hpp).

#include "agent/config.hpp"
#include "http/request_counter.hpp"
#include "state/run_requests.hpp"
#include "state/state_store.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::agent {

inline constexpr auto k_cap_window = std::chrono::hours(24);

struct DailyCap {
    std::string kind;    // "writes" or "requests"
    std::string setting; // "target.budget.writes_per_day"
    size_t cap = 0;
    size_t spent = 0; // by the runs of the last 24 hours
    // The start of the oldest run counted: "sent since" (none: nothing counted).
    std::optional<std::chrono::sys_seconds> since;
    // When enough of it leaves the window for one more request (none: it is not spent).
    std::optional<std::chrono::sys_seconds> frees_at;
    // When the oldest run counted leaves the window (none: nothing counted, so what this run
    // sends frees up 24 hours after it went).
    std::optional<std::chrono::sys_seconds> first_frees;

    // The least a run needs of it to send anything: a write; or a read (preflight) and an
    // operation's two requests.
    size_t needed = 1;

    [[nodiscard]] size_t left() const { return cap > spent ? cap - spent : 0; }
    // Too little is left for a run to send anything: it sends nothing at all.
    [[nodiscard]] bool spent_for_a_run() const { return left() < needed; }
    // "The daily cap of 5,000 writes (target.budget.writes_per_day) is spent: 5,000 sent since
    // <time>; the next run continues after <time>."
    [[nodiscard]] std::string spent_text() const;
};

struct DailyCaps {
    std::optional<DailyCap> writes;
    std::optional<DailyCap> requests;

    [[nodiscard]] bool any() const { return writes || requests; }
    // The cap that leaves this run nothing to send, if one does.
    [[nodiscard]] const DailyCap* spent() const;
    // What the run's client may send.
    [[nodiscard]] http::Allowance allowance() const;
    // How many operations the run may still start, once `sent` went (preflight, read-back), and
    // the setting that says so; none without a cap. Every operation writes once (a Bulk request
    // carries many), and a request cap keeps two requests an operation: a create is read back.
    [[nodiscard]] std::optional<std::pair<size_t, std::string>>
    operations_left(const http::RequestCounts& sent) const;
};

// The caps of `target` at `now`, given what the state says its runs sent since now - 24 h.
[[nodiscard]] DailyCaps daily_caps(const TargetConfig& target,
                                   const std::vector<state::RunRequests>& runs,
                                   std::chrono::sys_seconds now);
// The runs' counts from the state (a sync's store, or the file read-only for plan).
[[nodiscard]] DailyCaps daily_caps(const TargetConfig& target, state::StateStore& store,
                                   std::chrono::sys_seconds now);
[[nodiscard]] DailyCaps daily_caps(const TargetConfig& target, const std::filesystem::path& state,
                                   std::chrono::sys_seconds now);

[[nodiscard]] nlohmann::ordered_json to_json(const DailyCap& cap);

} // namespace hr2scim::agent
