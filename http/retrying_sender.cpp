#include "http/retrying_sender.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace hr2scim::http {
namespace {

// Backoff without a word from the server is spread over [delay/2, delay], so that many
// requests failing together do not come back together.
std::chrono::milliseconds jittered(std::chrono::milliseconds delay) {
    thread_local std::minstd_rand random{std::random_device{}()};
    if (delay.count() < 2) return delay;
    std::uniform_int_distribution<long long> spread(delay.count() / 2, delay.count());
    return std::chrono::milliseconds(spread(random));
}

std::string seconds_text(std::chrono::milliseconds duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) +
           " s";
}

} // namespace

Sent send_with_retries(Transport& client, const Request& request, const RetryPolicy& policy,
                       const Sleeper& sleeper,
                       const std::function<void(const RetryNotice&)>& on_retry,
                       Throttle* throttle) {
    std::chrono::milliseconds waited{0};
    int counted = 0; // attempts that count against max_attempts: a rate limit's 429 does not
    const auto kind = request_kind(request.method);
    for (int attempt = 1;; ++attempt) {
        if (throttle && !throttle->acquire(kind)) {
            Sent sent{tl::unexpected(TransportError{"not sent: the target was abandoned"}),
                      attempt - 1,
                      {}};
            sent.gave_up = "the target was abandoned (" + throttle->abandoned().value_or("") + ")";
            return sent;
        }
        // Counted here, as it goes: a retry is a request the target counts too.
        if (throttle)
            if (auto refused = throttle->counter().take(kind))
                return {tl::unexpected(TransportError{std::move(*refused)}), attempt - 1, {}};
        auto result = client.send(request);
        // GitHub answers a spent rate limit with 403 and says so in its headers (Retry-After,
        // or X-RateLimit-Remaining: 0; "Rate limits for the REST API",
        // https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api): it is
        // the 429 it means, not a refusal of the credentials.
        if (result && is_rate_limit_refusal(*result)) result->status = 429;
        std::optional<std::chrono::seconds> told;
        std::string reason;
        if (result) {
            told = server_wait(*result, std::chrono::system_clock::now());
            if (classify_status(result->status) != Verdict::retry) {
                // A success that used the last of the window: the target rests until it resets,
                // but never longer than a retry may wait (a reset a year away is a wait
                // without end).
                if (throttle && told && told->count() > 0)
                    throttle->pause_for(
                        std::min<std::chrono::milliseconds>(*told, policy.max_delay));
                return {std::move(result), attempt, {}};
            }
            reason = "HTTP " + std::to_string(result->status);
        } else {
            if (result.error().local) return {std::move(result), attempt, {}};
            reason = result.error().message;
        }
        const bool rate_limited = result && result->status == 429 && told;
        if (throttle && result && result->status == 429) throttle->rate_limited(kind);
        if (!rate_limited) ++counted;
        if (counted >= policy.max_attempts || attempt >= k_most_attempts)
            return {std::move(result), attempt, {}};
        auto delay = retry_delay(policy, counted, told);
        if (!delay) {
            Sent sent{std::move(result), attempt, {}};
            sent.gave_up = "the server asked to wait " + seconds_text(*told) +
                           ", longer than a retry may wait (" + seconds_text(policy.max_delay) +
                           "); not retried";
            return sent;
        }
        if (!told) delay = jittered(*delay);
        if (waited + *delay > policy.budget) {
            Sent sent{std::move(result), attempt, {}};
            sent.gave_up = "retries would outlast the retry budget of " +
                           seconds_text(policy.budget) + " (waited " + seconds_text(waited) + ")";
            return sent;
        }
        waited += *delay;
        if (on_retry) on_retry({attempt, reason, *delay});
        if (!throttle) {
            sleeper(*delay);
        } else if (told) {
            throttle->pause_for(*delay); // the target said so: everyone waits, not only this one
        } else if (!throttle->wait(*delay)) {
            continue; // abandoned meanwhile: acquire() says so
        }
    }
}

Sleeper real_sleeper() {
    return [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
}

} // namespace hr2scim::http
