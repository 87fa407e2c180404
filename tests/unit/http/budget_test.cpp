// Budgets as vendors publish them, and the pace that adapts to other people's traffic.
#include "http/budget.hpp"
#include "http/throttle.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <thread>

namespace hr2scim::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Rate, ReadsTheWaysVendorsWriteABudget) {
    EXPECT_EQ(parse_rate("180/min"), (Rate{180, 60s}));
    EXPECT_EQ(parse_rate("1000 / hour"), (Rate{1000, 3600s}));
    EXPECT_EQ(parse_rate("0.5/s"), (Rate{0.5, 1s}));
    EXPECT_DOUBLE_EQ(parse_rate("180/min")->per_second(), 3.0);
    EXPECT_EQ(parse_rate("180/min")->text(), "180/min");
    EXPECT_EQ(parse_rate("2.5/h")->text(), "2.5/h");
    for (const char* wrong :
         {"180", "0/min", "-3/s", "many/min", "180/fortnight", "/min", "1e99/s"}) {
        const auto parsed = parse_rate(wrong);
        ASSERT_FALSE(parsed) << wrong;
        EXPECT_NE(parsed.error().find("180/min"), std::string::npos) << parsed.error();
    }
}

TEST(Rate, WritesAreTheStricterOfTheirBudgetAndRequestsPerSecond) {
    Budget budget;
    EXPECT_FALSE(budget.writes_per_second());
    budget.writes = Rate{180, 60s};
    EXPECT_DOUBLE_EQ(*budget.writes_per_second(), 3.0);
    budget.requests_per_second = 2;
    EXPECT_DOUBLE_EQ(*budget.writes_per_second(), 2.0);
}

TEST(Throttle, WritesArePacedToTheirBudgetAndReadsAreNot) {
    Throttle throttle(Budget{Rate{50, 1s}, std::nullopt, 0, {}});
    auto started = Clock::now();
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(throttle.acquire(RequestKind::read));
    EXPECT_LT(Clock::now() - started, 100ms) << "reads have no budget here";
    started = Clock::now();
    for (int i = 0; i < 11; ++i)
        ASSERT_TRUE(throttle.acquire(RequestKind::write));
    // 11 writes at 49/s: the 11th no sooner than 10 intervals (~204 ms) after the first.
    EXPECT_GE(Clock::now() - started, 200ms);
    EXPECT_NEAR(throttle.report().write_pace, 49.0, 0.01);
}

TEST(Throttle, A429LowersThePaceToWhatTheTargetLetThroughAndItClimbsBackWithoutOne) {
    Throttle throttle(Budget{Rate{50, 1s}, std::nullopt, 0, {}});
    for (int i = 0; i < 20; ++i) // about 0.4 s at 49/s: 20 went in the last second
        ASSERT_TRUE(throttle.acquire(RequestKind::write));
    throttle.rate_limited(RequestKind::write);
    auto report = throttle.report();
    EXPECT_EQ(report.rate_limited, 1U);
    EXPECT_EQ(report.slowed_down, 1U);
    // The target's window filled at 20 a second (others used the rest): 95 % of that.
    EXPECT_NEAR(report.write_pace, 20 * 0.95, 0.01);
    // A burst of 429s (every request in flight meets the same full window) is one signal.
    throttle.rate_limited(RequestKind::write);
    throttle.rate_limited(RequestKind::write);
    report = throttle.report();
    EXPECT_EQ(report.rate_limited, 3U);
    EXPECT_EQ(report.slowed_down, 1U);
    EXPECT_NEAR(report.write_pace, 19.0, 0.01);
    // A read's 429 does not slow the writes.
    throttle.rate_limited(RequestKind::read);
    EXPECT_NEAR(throttle.report().write_pace, 19.0, 0.01);
    // After a period without a 429 the pace climbs by 0.5 % of the budget, never past it.
    std::this_thread::sleep_for(1100ms);
    ASSERT_TRUE(throttle.acquire(RequestKind::write));
    EXPECT_NEAR(throttle.report().write_pace, 19.0 + 49 * 0.005, 0.01);
    EXPECT_NEAR(throttle.report().lowest_write_pace, 19.0, 0.01);
}

TEST(Throttle, A429AtTheBudgetsOwnPaceCutsItByATenth) {
    Throttle throttle(Budget{Rate{20, 1s}, std::nullopt, 0, {}});
    const auto started = Clock::now();
    while (Clock::now() - started < 1100ms) // a whole window at the budget's pace
        ASSERT_TRUE(throttle.acquire(RequestKind::write));
    throttle.rate_limited(RequestKind::write);
    EXPECT_NEAR(throttle.report().write_pace, 19.6 * 0.9, 0.01);
}

TEST(Throttle, WithoutABudgetA429TeachesOneFromWhatWasSent) {
    Throttle throttle;
    for (int i = 0; i < 30; ++i)
        ASSERT_TRUE(throttle.acquire(RequestKind::write));
    EXPECT_EQ(throttle.report().write_pace, 0) << "not paced before any 429";
    throttle.rate_limited(RequestKind::write);
    const auto report = throttle.report();
    EXPECT_EQ(report.slowed_down, 1U);
    // 30 requests in well under a second count as 30/s: paced at 90% of that.
    EXPECT_NEAR(report.write_pace, 27.0, 0.01);
}

} // namespace
} // namespace hr2scim::http
