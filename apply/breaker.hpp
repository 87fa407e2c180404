#pragma once
// Stops sending to a target that keeps failing, so that a target answering 503 to everything
// costs a handful of requests, not every operation's retries in turn.

#include "apply/outcome.hpp"

#include <deque>
#include <optional>
#include <string>

namespace hr2scim::apply {

struct BreakerSettings {
    size_t consecutive_failures = 5; // transient failures in a row
    size_t window = 20;              // the last this many operations ...
    double max_failure_percent = 50; // ... may fail at most this share (once the window is full)
};

class CircuitBreaker {
  public:
    explicit CircuitBreaker(BreakerSettings settings) : m_settings(settings) {}

    // `why`: the failure's message, which says whether the credentials were refused or the
    // target did not answer.
    void note(Result result, const std::string& why = {});
    // Why the target is abandoned (or the run was asked to stop), or nothing while it may
    // still be used.
    [[nodiscard]] std::optional<std::string> tripped() const;
    // The run was asked to stop while the target could still be used: what it does not send
    // is "not sent", not failed.
    [[nodiscard]] bool stopping() const;

  private:
    BreakerSettings m_settings;
    size_t m_in_a_row = 0;
    std::deque<bool> m_recent; // true: failed
    std::optional<std::string> m_tripped;
};

} // namespace hr2scim::apply
