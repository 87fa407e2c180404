#include "http/retry.hpp"

#include "http/transport.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace hr2scim::http {

Verdict classify_status(long status) {
    if (status >= 200 && status < 300) return Verdict::ok;
    // 501 Not Implemented and 505 will not change by asking again.
    if (status == 501 || status == 505) return Verdict::permanent;
    if (status == 408 || status == 429 || status >= 500) return Verdict::retry;
    return Verdict::permanent;
}

bool is_rate_limit_refusal(const Response& response) {
    if (response.status != 403) return false;
    if (response.header("retry-after")) return true;
    const auto* remaining = response.header("x-ratelimit-remaining");
    return remaining && *remaining == "0";
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
    if (!value.empty() && std::ranges::all_of(value, [](char c) { return c >= '0' && c <= '9'; })) {
        // Digits only: a number too large for any integer type is simply "very long".
        unsigned long long seconds = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (error != std::errc() ||
            seconds > static_cast<unsigned long long>(k_longest_retry_after.count()))
            return k_longest_retry_after;
        return std::chrono::seconds(static_cast<long long>(seconds));
    }

    std::tm parts{};
    std::string text(value);
    const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
    if (!parsed || *parsed != '\0') return std::nullopt;
    // Compared in seconds since the epoch: a date in the year 9999 must not overflow a duration.
    const long long when = static_cast<long long>(timegm(&parts));
    const long long at =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (when <= at) return std::chrono::seconds(0);
    const long long wait = when - at; // a date counts to the second: never retried early
    return std::chrono::seconds(std::min<long long>(wait, k_longest_retry_after.count()));
}

std::optional<std::chrono::seconds> server_wait(const Response& response,
                                                std::chrono::system_clock::time_point now) {
    for (const char* name : {"retry-after", "x-retry-after"})
        if (const auto* value = response.header(name))
            if (auto wait = parse_retry_after(*value, now)) return wait;
    const auto* remaining = response.header("x-ratelimit-remaining");
    const auto* reset = response.header("x-ratelimit-reset");
    if (!reset || (response.status != 429 && (!remaining || *remaining != "0")))
        return std::nullopt;
    long long value = 0;
    auto [end, error] = std::from_chars(reset->data(), reset->data() + reset->size(), value);
    if (error != std::errc() || end != reset->data() + reset->size() || value < 0)
        return std::nullopt;
    // Some send seconds from now, others the Unix time of the reset.
    constexpr long long k_unix_time_from = 1'000'000'000;
    if (value >= k_unix_time_from) {
        const long long at =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        // The reset's second has begun when its count is reached: wait until it ends.
        value = std::max(0LL, value - at);
    }
    return std::chrono::seconds(
        std::min<long long>(value, static_cast<long long>(k_longest_retry_after.count())));
}

std::optional<std::chrono::milliseconds>
retry_delay(const RetryPolicy& policy, int attempt,
            std::optional<std::chrono::seconds> retry_after) {
    if (retry_after) {
        if (*retry_after > std::chrono::duration_cast<std::chrono::seconds>(policy.max_delay))
            return std::nullopt;
        return std::chrono::milliseconds(*retry_after);
    }
    auto delay = policy.base_delay;
    for (int i = 1; i < attempt && delay < policy.max_delay; ++i)
        delay *= 2;
    return std::min(delay, policy.max_delay);
}

} // namespace hr2scim::http
