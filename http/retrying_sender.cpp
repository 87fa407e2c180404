#include "http/retrying_sender.hpp"

#include <thread>

namespace hr2scim::http {

Sent send_with_retries(HttpClient& client, const Request& request, const RetryPolicy& policy,
                       const Sleeper& sleeper,
                       const std::function<void(const RetryNotice&)>& on_retry) {
    for (int attempt = 1;; ++attempt) {
        auto result = client.send(request);
        std::optional<std::chrono::seconds> retry_after;
        std::string reason;
        if (result) {
            if (classify_status(result->status) != Verdict::retry)
                return {std::move(result), attempt, {}};
            if (const auto* header = result->header("retry-after"))
                retry_after = parse_retry_after(*header, std::chrono::system_clock::now());
            reason = "HTTP " + std::to_string(result->status);
        } else {
            reason = result.error().message;
        }
        if (attempt >= policy.max_attempts) return {std::move(result), attempt, {}};
        auto delay = retry_delay(policy, attempt, retry_after);
        if (!delay) {
            Sent sent{std::move(result), attempt, {}};
            sent.gave_up =
                "the server asked to wait " + std::to_string(retry_after->count()) +
                " s (Retry-After), longer than a retry may wait (" +
                std::to_string(
                    std::chrono::duration_cast<std::chrono::seconds>(policy.max_delay).count()) +
                " s); not retried";
            return sent;
        }
        if (on_retry) on_retry({attempt, reason, *delay});
        sleeper(*delay);
    }
}

Sleeper real_sleeper() {
    return [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
}

} // namespace hr2scim::http
