#pragma once
// Retry rules in one place: what is retried, and how long to wait.

#include <chrono>
#include <optional>
#include <string_view>

namespace hr2scim::http {

enum class Verdict { ok, retry, permanent };

// 2xx ok; 408, 429 and 5xx but 501 and 505 retried; every other status is permanent.
[[nodiscard]] Verdict classify_status(long status);

// Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3), rounded up to
// whole seconds. Any value is safe: waits beyond k_longest_retry_after are cut to it (no
// duration arithmetic can overflow), and the retry loop gives up on waits beyond its budget.
[[nodiscard]] std::optional<std::chrono::seconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);
inline constexpr std::chrono::seconds k_longest_retry_after{std::chrono::hours(24 * 366)};

struct RetryPolicy {
    int max_attempts = 4; // 429s the server said how long to wait after do not count
    std::chrono::milliseconds base_delay{500};
    std::chrono::milliseconds max_delay{std::chrono::seconds(60)}; // longest single wait
    std::chrono::milliseconds budget{std::chrono::seconds(300)};   // all waits of one request
};

// However the server paces us, one request is sent at most this many times.
inline constexpr int k_most_attempts = 50;

struct Response;

// How long the server asked to wait: Retry-After (seconds or an HTTP date), x-retry-after, or
// X-RateLimit-Reset when X-RateLimit-Remaining is 0 (seconds from now, or a Unix time).
[[nodiscard]] std::optional<std::chrono::seconds>
server_wait(const Response& response, std::chrono::system_clock::time_point now);
// A 403 that says it is a spent rate limit (Retry-After, or X-RateLimit-Remaining: 0), as
// GitHub answers one: handled as the 429 it means.
[[nodiscard]] bool is_rate_limit_refusal(const Response& response);

// Exponential backoff from base_delay, unless the server said how long to wait.
// `attempt` counts from 1 (the attempt that just failed). Nothing when the server asked for
// a longer wait than max_delay: waiting that long is not a retry, so the request gives up.
[[nodiscard]] std::optional<std::chrono::milliseconds>
retry_delay(const RetryPolicy& policy, int attempt,
            std::optional<std::chrono::seconds> retry_after);

} // namespace hr2scim::http
