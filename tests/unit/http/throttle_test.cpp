#include "http/http_client.hpp"
#include "http/retry.hpp"
#include "http/throttle.hpp"
#include "http/url.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace hr2scim::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::chrono::system_clock::time_point at(long long unix_seconds) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

Response answer(long status, std::map<std::string, std::string> headers) {
    return {status, std::move(headers), {}};
}

TEST(ServerWait, ReadsEveryCommonWayOfSayingHowLongToWait) {
    const auto now = at(1'800'000'000);
    EXPECT_EQ(server_wait(answer(429, {{"retry-after", "7"}}), now), 7s);
    EXPECT_EQ(server_wait(answer(503, {{"x-retry-after", "3"}}), now), 3s);
    // An HTTP date one and a half seconds ahead is waited out to its whole second.
    EXPECT_EQ(server_wait(answer(429, {{"retry-after", "Fri, 15 Jan 2027 08:00:02 GMT"}}),
                          std::chrono::sys_seconds(
                              std::chrono::sys_days(std::chrono::year(2027) / 1 / 15)) +
                              8h + 500ms),
              2s);
    // X-RateLimit-Reset as seconds from now, or as the Unix time of the reset.
    EXPECT_EQ(server_wait(answer(429, {{"x-ratelimit-reset", "12"}}), now), 12s);
    EXPECT_EQ(server_wait(answer(429, {{"x-ratelimit-reset", "1800000005"}}), now), 5s);
    EXPECT_EQ(server_wait(answer(200, {{"x-ratelimit-remaining", "0"},
                                       {"x-ratelimit-reset", "1800000004"}}),
                          now),
              4s)
        << "a success that used up the window";
    EXPECT_EQ(server_wait(answer(200, {{"x-ratelimit-remaining", "5"},
                                       {"x-ratelimit-reset", "1800000004"}}),
                          now),
              std::nullopt)
        << "requests left: no wait";
    EXPECT_EQ(server_wait(answer(429, {{"x-ratelimit-reset", "soon"}}), now), std::nullopt);
    EXPECT_EQ(server_wait(answer(429, {}), now), std::nullopt);
}

TEST(Throttle, PacesRequestsAcrossThreadsBelowTheRate) {
    Throttle throttle(100); // 100 a second, paced at 98
    const auto started = Clock::now();
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i)
                ASSERT_TRUE(throttle.acquire());
        });
    threads.clear(); // joined
    // 40 requests at most 98 a second: the 40th goes no sooner than 39 intervals after the first.
    EXPECT_GE(Clock::now() - started, 39 * 10ms);
}

TEST(Throttle, APauseHoldsEveryoneAndAbandoningReleasesThemAtOnce) {
    Throttle throttle;
    EXPECT_TRUE(throttle.acquire()) << "no limit: at once";
    throttle.pause_for(150ms);
    auto started = Clock::now();
    EXPECT_TRUE(throttle.acquire());
    EXPECT_GE(Clock::now() - started, 140ms);

    throttle.pause_for(std::chrono::hours(1));
    std::jthread waiter([&] { EXPECT_FALSE(throttle.acquire()); });
    std::this_thread::sleep_for(50ms);
    started = Clock::now();
    throttle.abandon("the breaker tripped");
    waiter.join();
    EXPECT_LT(Clock::now() - started, 5s);
    EXPECT_EQ(throttle.abandoned(), "the breaker tripped");
    EXPECT_FALSE(throttle.wait(std::chrono::hours(1))) << "an abandoned target is not waited for";
}

TEST(Url, DecodesPercentSequencesAndKeepsMalformedOnes) {
    EXPECT_EQ(url_decode("a%20b%2Fc"), "a b/c");
    EXPECT_EQ(url_decode("100%"), "100%");
    EXPECT_EQ(url_decode("%zz%4"), "%zz%4");
}

} // namespace
} // namespace hr2scim::http
