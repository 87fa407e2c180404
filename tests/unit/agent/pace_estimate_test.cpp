// How long a plan takes at the target's budget: the budget that binds is the one whose share of
// the requests takes longest, and a create's read-back is a request too.
#include "agent/pace_estimate.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace hr2scim::agent {
namespace {

TargetConfig budgeted(std::optional<const char*> writes, std::optional<const char*> reads,
                      double requests_per_second = 0) {
    TargetConfig target;
    if (writes) target.budget.writes = http::parse_rate(*writes).value();
    if (reads) target.budget.reads = http::parse_rate(*reads).value();
    target.budget.requests_per_second = requests_per_second;
    target.budget.source = "target.budget";
    return target;
}

std::string printed(const PaceEstimate& estimate) {
    std::ostringstream out;
    print_pace(out, estimate);
    return out.str();
}

TEST(PaceEstimate, WritesBindWhenTheReadsBudgetCoversTheReadBacks) {
    // Slack's published budgets: 180 writes and 300 reads a minute.
    const auto estimate =
        estimate_pace({.operations = 9'412, .read_backs = 9'000}, budgeted("180/min", "300/min"));
    ASSERT_TRUE(estimate.takes);
    EXPECT_EQ(estimate.takes->count(), 3'138); // 9,412 / 3 a second
    EXPECT_EQ(printed(estimate),
              "Pace: 9,412 operations at 180/min (target.budget): about 52 min.\n");
}

TEST(PaceEstimate, ReadBacksBindWhenReadsAreTheScarcerBudget) {
    const auto estimate =
        estimate_pace({.operations = 1'000, .read_backs = 1'000}, budgeted("100/s", "10/s"));
    ASSERT_TRUE(estimate.takes);
    EXPECT_EQ(estimate.takes->count(), 100);
    EXPECT_EQ(estimate.pace, "10/s for the creates' read-backs (target.budget)");
}

TEST(PaceEstimate, ARequestRateCountsEachCreateTwice) {
    // 600 creates and 400 updates at 5 requests a second: 1,600 requests, not 1,000.
    const auto estimate =
        estimate_pace({.operations = 1'000, .read_backs = 600}, budgeted({}, {}, 5));
    ASSERT_TRUE(estimate.takes);
    EXPECT_EQ(estimate.takes->count(), 320);
    EXPECT_EQ(estimate.pace, "5/s with the creates' read-backs (target.requests_per_second)");
}

TEST(PaceEstimate, ARunTimeSendsWhatFitsAtTheBindingPace) {
    auto target = budgeted({}, {}, 2);
    target.run_time = std::chrono::seconds(100);
    // Every operation a create: 4 requests a second bought 1 operation; 100 s fit 100.
    const auto estimate = estimate_pace({.operations = 500, .read_backs = 500}, target);
    ASSERT_TRUE(estimate.this_run);
    EXPECT_EQ(*estimate.this_run, 100U);
    EXPECT_EQ(estimate.run_limit, "target.budget.run_time");
}

TEST(PaceEstimate, AnUploadTargetCarriesFiftyUsersARequestAndReadsNothingBack) {
    // Entra's inbound API: 40 uploads per 5 seconds, 50 users each.
    auto target = budgeted(std::nullopt, std::nullopt);
    target.budget.writes = http::Rate{40, std::chrono::seconds(5)};
    target.profile = scim::Dialect::entra_inbound;
    target.budget.source = "profile entra_inbound";
    const auto estimate = estimate_pace({.operations = 100'000, .read_backs = 100'000}, target);
    ASSERT_TRUE(estimate.takes);
    EXPECT_EQ(estimate.takes->count(), 250); // 2,000 uploads at 8 a second
    EXPECT_EQ(printed(estimate), "Pace: 100,000 operations at 40/5s in uploads of 50 (profile "
                                 "entra_inbound): about 4 min.\n");
}

TEST(PaceEstimate, NoBudgetNoPace) {
    const auto estimate = estimate_pace({.operations = 10, .read_backs = 10}, TargetConfig{});
    EXPECT_FALSE(estimate.takes);
    EXPECT_EQ(printed(estimate), "");
}

} // namespace
} // namespace hr2scim::agent
