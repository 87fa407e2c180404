#include "http/retry.hpp"

#include <gtest/gtest.h>

namespace hr2scim::http {
namespace {

using namespace std::chrono_literals;

TEST(ClassifyStatus, SortsAnswersIntoOkRetryAndPermanent) {
    EXPECT_EQ(classify_status(200), Verdict::ok);
    EXPECT_EQ(classify_status(204), Verdict::ok);
    EXPECT_EQ(classify_status(408), Verdict::retry);
    EXPECT_EQ(classify_status(429), Verdict::retry);
    EXPECT_EQ(classify_status(500), Verdict::retry);
    EXPECT_EQ(classify_status(503), Verdict::retry);
    EXPECT_EQ(classify_status(400), Verdict::permanent);
    EXPECT_EQ(classify_status(401), Verdict::permanent);
    EXPECT_EQ(classify_status(404), Verdict::permanent);
    EXPECT_EQ(classify_status(409), Verdict::permanent);
    EXPECT_EQ(classify_status(302), Verdict::permanent);
}

TEST(ParseRetryAfter, ReadsSecondsAndHttpDates) {
    auto now = std::chrono::system_clock::from_time_t(784111777); // Sun, 06 Nov 1994 08:49:37 GMT
    EXPECT_EQ(parse_retry_after("120", now), 120s);
    EXPECT_EQ(parse_retry_after("0", now), 0s);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30s);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), 0s)
        << "a date in the past means now";
    EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
    EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
    EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

TEST(RetryDelay, DoublesUpToTheCeilingUnlessTheServerSaid) {
    RetryPolicy policy{5, 500ms, 3s, 300s};
    EXPECT_EQ(retry_delay(policy, 1, std::nullopt), 500ms);
    EXPECT_EQ(retry_delay(policy, 2, std::nullopt), 1000ms);
    EXPECT_EQ(retry_delay(policy, 3, std::nullopt), 2000ms);
    EXPECT_EQ(retry_delay(policy, 4, std::nullopt), 3000ms);
    EXPECT_EQ(retry_delay(policy, 1, 2s), 2000ms);
    EXPECT_EQ(retry_delay(policy, 1, 3s), 3000ms) << "as long as a retry may wait";
    EXPECT_EQ(retry_delay(policy, 1, 3600s), std::nullopt)
        << "a longer wait gives up on the request";
}

TEST(ParseRetryAfter, AbsurdValuesAreCutNotOverflowed) {
    auto now = std::chrono::system_clock::from_time_t(784111777);
    EXPECT_EQ(parse_retry_after("10000000000000000", now), k_longest_retry_after);
    EXPECT_EQ(parse_retry_after("99999999999999999999999999999", now), k_longest_retry_after);
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now), k_longest_retry_after);
    RetryPolicy policy{5, 500ms, 60s, 300s};
    EXPECT_EQ(retry_delay(policy, 1, parse_retry_after("10000000000000000", now)), std::nullopt);
}

TEST(ParseRetryAfter, AnHttpDateIsNeverRetriedEarly) {
    // 08:49:37.900: the date says 08:49:39, so the wait is 2 s, not 1.
    auto now = std::chrono::system_clock::from_time_t(784111777) + 900ms;
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:39 GMT", now), 2s);
}

} // namespace
} // namespace hr2scim::http
