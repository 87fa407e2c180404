#pragma once
// Sends a request again after an answer worth retrying (408, 429, 5xx, no answer), waiting as
// the server asked (Retry-After and the common rate-limit headers) or with exponential
// backoff and jitter, within a number of attempts and a budget in time. Used by every HTTP
// component.

#include "http/retry.hpp"
#include "http/throttle.hpp"
#include "http/transport.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <tl/expected.hpp>

namespace hr2scim::http {

using Sleeper = std::function<void(std::chrono::milliseconds)>;

struct RetryNotice {
    int attempt = 0;    // the attempt that failed
    std::string reason; // "HTTP 503" or the transport error
    std::chrono::milliseconds delay{0};
};

struct Sent {
    tl::expected<Response, TransportError>
        result; // the last answer: ok, permanent, or out of attempts
    int attempts = 1;
    std::string
        gave_up; // why retrying stopped before the attempts ran out ("asked to wait 3600 s")
    std::string used_authorization{}; // what the request was sent with (for a 401's refresh)
};

// With a throttle, every attempt waits its turn there, a wait the server asks for pauses the
// whole target, and abandoning the target ends the retries; the sleeper is then unused.
[[nodiscard]] Sent send_with_retries(Transport& client, const Request& request,
                                     const RetryPolicy& policy, const Sleeper& sleeper,
                                     const std::function<void(const RetryNotice&)>& on_retry,
                                     Throttle* throttle = nullptr);

// Sleeps for real; tests pass their own.
[[nodiscard]] Sleeper real_sleeper();

} // namespace hr2scim::http
