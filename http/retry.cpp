#include "http/retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace hr2scim::http {

Verdict classify_status(long status) {
    if (status >= 200 && status < 300) return Verdict::ok;
    if (status == 408 || status == 429 || status >= 500) return Verdict::retry;
    return Verdict::permanent;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
    long long seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error == std::errc() && end == value.data() + value.size())
        return seconds < 0 ? std::nullopt : std::optional(std::chrono::seconds(seconds));

    std::tm parts{};
    std::string text(value);
    const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
    if (!parsed || *parsed != '\0') return std::nullopt;
    auto when = std::chrono::system_clock::from_time_t(timegm(&parts));
    auto delay = std::chrono::duration_cast<std::chrono::seconds>(when - now);
    return std::max(delay, std::chrono::seconds(0));
}

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int attempt,
                                      std::optional<std::chrono::seconds> retry_after) {
    if (retry_after) {
        return std::min<std::chrono::milliseconds>(*retry_after, policy.max_delay);
    }
    auto delay = policy.base_delay;
    for (int i = 1; i < attempt && delay < policy.max_delay; ++i) delay *= 2;
    return std::min(delay, policy.max_delay);
}

} // namespace hr2scim::http
