#pragma once
// What the service loop is doing, shared between the loop's thread (which writes it) and the
// `--listen` thread (which reads it for /metrics and /healthz): one mutex, and readers take a
// copy. The answers themselves are made from a copy by pure functions, tested with fixed times.

#include "agent/cycle_summary.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::agent {

// An instant on both clocks: the wall clock to show it, the steady one to measure ages (a
// clock step must not make a live loop look stuck).
struct Instant {
    std::chrono::steady_clock::time_point steady{};
    std::chrono::system_clock::time_point wall{};
    [[nodiscard]] static Instant now();
};

struct FinishedCycle {
    Instant started;
    Instant ended;
    CycleSummary summary;
};

struct LoopSnapshot {
    Instant loop_started;
    std::chrono::seconds every{0};
    std::chrono::seconds jitter{0};
    size_t cycles = 0;                    // finished
    std::optional<Instant> cycle_running; // when the cycle now running began
    std::optional<FinishedCycle> last;
    // The state's metrics (prometheus_metrics) as the last cycle left them.
    std::string state_metrics;
};

class LoopStatus {
  public:
    LoopStatus(std::chrono::seconds every, std::chrono::seconds jitter);

    void cycle_started();
    // `state_metrics`: the state's metrics after the cycle; none keeps the last ones.
    void cycle_ended(const CycleSummary& summary, std::optional<std::string> state_metrics);
    void set_state_metrics(std::string text);
    [[nodiscard]] LoopSnapshot snapshot() const;

  private:
    mutable std::mutex m_mutex;
    LoopSnapshot m_now;
};

// /healthz: unhealthy (503) when the last cycle failed, or when no cycle has finished for
// twice (every + jitter) since the last one ended or, before the first, since the loop started
// (a stuck loop); healthy (200) otherwise, "starting" before the first cycle ends.
struct Health {
    int http_status = 200;
    std::string body; // JSON
};
[[nodiscard]] Health health_of(const LoopSnapshot& loop, std::chrono::steady_clock::time_point now);

// /metrics: the state's metrics, then the loop's own gauges.
[[nodiscard]] std::string metrics_of(const LoopSnapshot& loop,
                                     std::chrono::steady_clock::time_point now);

} // namespace hr2scim::agent
