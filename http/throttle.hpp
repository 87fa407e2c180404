#pragma once
// Paces every request to one target, across all threads sending to it:
// - budgets (http/budget.hpp): writes and reads each at their own pace, requests_per_second on
//   top of both; a token bucket without burst, so that the target's own limiter never sees more
//   than it allows;
// - adaptation: a 429 means someone (possibly another application sharing the budget) used
//   what was left, so the pace of that kind of request drops to a little under what the target
//   let through over the last period, and by at least a tenth (at most once per adaptation
//   period), and climbs back slowly while no 429 comes (additive increase), never above the
//   budget. A kind without a budget learns one from the pace that met the 429;
// - a pause the whole target observes when it said to wait (429 or 503 with Retry-After,
//   X-RateLimit-Remaining: 0): the target is slowed down, not one request;
// - abandonment: once the run gives the target up, nothing more is sent, and requests
//   waiting to be retried stop waiting;
// - the daily caps: what the run sends is counted, and nothing goes beyond its allowance
//   (http/request_counter.hpp).

#include "http/budget.hpp"
#include "http/request_counter.hpp"
#include "http/request_kind.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace hr2scim::http {

// What the pacing did during a run, for the report.
struct PaceReport {
    size_t rate_limited = 0; // 429s seen
    size_t slowed_down = 0;  // times a pace was lowered after one
    double write_pace = 0;   // requests/s writes were paced at in the end (0: not paced)
    double lowest_write_pace = 0;
};

class Throttle {
  public:
    using Clock = std::chrono::steady_clock;

    // 0: no rate limit (pauses and abandonment still apply).
    explicit Throttle(double requests_per_second = 0);
    explicit Throttle(const Budget& budget);
    ~Throttle();
    Throttle(const Throttle&) = delete;
    Throttle& operator=(const Throttle&) = delete;

    // Waits until a request of this kind may go. False once the target is abandoned.
    [[nodiscard]] bool acquire(RequestKind kind = RequestKind::write);
    // Waits `delay` (a retry's backoff), or less if the target is abandoned meanwhile.
    // False when it was.
    [[nodiscard]] bool wait(std::chrono::milliseconds delay);
    // The target asked everyone to wait this long.
    void pause_for(std::chrono::milliseconds delay);
    // The target answered 429 to a request of this kind: its pace drops.
    void rate_limited(RequestKind kind);
    void abandon(std::string why);
    [[nodiscard]] std::optional<std::string> abandoned() const;
    [[nodiscard]] PaceReport report() const;
    // The run's daily allowance, counted at the moment each request goes (retries too).
    [[nodiscard]] RequestCounter& counter() { return m_counter; }
    [[nodiscard]] const RequestCounter& counter() const { return m_counter; }

  private:
    class Pacer;

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::unique_ptr<Pacer> m_all; // requests_per_second
    std::unique_ptr<Pacer> m_writes;
    std::unique_ptr<Pacer> m_reads;
    Clock::time_point m_paused_until;
    std::optional<std::string> m_abandoned;
    size_t m_rate_limited = 0;
    size_t m_slowed_down = 0;
    RequestCounter m_counter;
};

} // namespace hr2scim::http
