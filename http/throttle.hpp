#pragma once
// Paces every request to one target, across all threads sending to it:
// - a requests-per-second limit (a token bucket without burst, so that the target's own
//   limiter never sees more than it allows);
// - a pause the whole target observes when it said to wait (429 or 503 with Retry-After,
//   X-RateLimit-Remaining: 0): the target is slowed down, not one request;
// - abandonment: once the run gives the target up, nothing more is sent, and requests
//   waiting to be retried stop waiting.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

namespace hr2scim::http {

class Throttle {
  public:
    using Clock = std::chrono::steady_clock;

    // 0: no rate limit (pauses and abandonment still apply).
    explicit Throttle(double requests_per_second = 0);

    // Waits until a request may go. False once the target is abandoned.
    [[nodiscard]] bool acquire();
    // Waits `delay` (a retry's backoff), or less if the target is abandoned meanwhile.
    // False when it was.
    [[nodiscard]] bool wait(std::chrono::milliseconds delay);
    // The target asked everyone to wait this long.
    void pause_for(std::chrono::milliseconds delay);
    void abandon(std::string why);
    [[nodiscard]] std::optional<std::string> abandoned() const;

  private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<Clock::duration> m_interval;
    Clock::time_point m_next_slot;
    Clock::time_point m_paused_until;
    std::optional<std::string> m_abandoned;
};

} // namespace hr2scim::http
