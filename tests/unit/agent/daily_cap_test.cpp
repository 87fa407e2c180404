// A vendor's daily cap across runs: what the runs of the last 24 hours spent, what is left for
// this one, when a spent cap frees up, and the client holding a run to it.
#include "agent/daily_cap.hpp"
#include "http/request_counter.hpp"
#include "state/timestamp.hpp"

#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_seconds;

sys_seconds at(const char* text) {
    return state::from_timestamp(text).value();
}

// A run that started at `start`, went on for ten minutes, and sent `requests`, `writes` of them.
state::RunRequests run(const char* start, size_t requests, size_t writes) {
    return {at(start), at(start) + minutes(10), requests, writes};
}

TargetConfig capped(std::optional<size_t> writes, std::optional<size_t> requests) {
    TargetConfig target;
    target.writes_per_day = writes;
    target.requests_per_day = requests;
    return target;
}

TEST(DailyCap, WhatTheRunsOfTheLast24HoursSentIsSpentAndTheRestIsLeft) {
    const auto now = at("2026-12-06T12:00:00Z");
    // The first ended more than 24 hours ago: out of the window.
    const std::vector runs{run("2026-12-05T11:00:00Z", 40, 30), run("2026-12-05T18:00:00Z", 9, 6),
                           run("2026-12-06T06:00:00Z", 5, 3)};
    const auto caps = daily_caps(capped(20, 100), runs, now);
    ASSERT_TRUE(caps.writes && caps.requests);
    EXPECT_EQ(caps.writes->spent, 9U);
    EXPECT_EQ(caps.writes->left(), 11U);
    EXPECT_EQ(caps.requests->spent, 14U);
    EXPECT_EQ(caps.requests->left(), 86U);
    EXPECT_EQ(caps.writes->since, at("2026-12-05T18:00:00Z"));
    EXPECT_FALSE(caps.spent());
    const auto allowance = caps.allowance();
    EXPECT_EQ(allowance.writes, 11U);
    EXPECT_EQ(allowance.requests, 86U);
    // Operations this run may start: the writes left, once what preflight sent is counted;
    // two requests an operation under a request cap.
    EXPECT_EQ(caps.operations_left({0, 4}),
              (std::pair<size_t, std::string>{11, "target.budget.writes_per_day"}));
    const auto tight = daily_caps(capped(20, 24), runs, now);
    EXPECT_EQ(tight.operations_left({0, 4}),
              (std::pair<size_t, std::string>{3, "target.budget.requests_per_day"}));
    EXPECT_FALSE(daily_caps(capped(std::nullopt, std::nullopt), runs, now).operations_left({}));
}

TEST(DailyCap, ASpentCapSaysSinceWhenAndWhenTheNextRunContinues) {
    const auto now = at("2026-12-06T12:00:00Z");
    const std::vector runs{run("2026-12-05T18:00:00Z", 3000, 3000),
                           run("2026-12-06T06:00:00Z", 2500, 2000)};
    const auto caps = daily_caps(capped(5000, std::nullopt), runs, now);
    ASSERT_NE(caps.spent(), nullptr);
    EXPECT_EQ(caps.writes->left(), 0U);
    // 5,000 until the first run leaves the window, 2,000 after: the next run continues then.
    EXPECT_EQ(caps.writes->frees_at, at("2026-12-06T18:10:00Z"));
    EXPECT_EQ(caps.spent()->spent_text(),
              "The daily cap of 5,000 writes (target.budget.writes_per_day) is spent: 5,000 sent "
              "since 2026-12-05T18:00:00Z; the next run continues after 2026-12-06T18:10:00Z.");
    EXPECT_EQ(caps.operations_left({}),
              (std::pair<size_t, std::string>{0, "target.budget.writes_per_day"}));
    EXPECT_EQ(caps.allowance().writes, 0U);
    // A request cap that leaves less than preflight and one operation need is spent for a run.
    const auto nearly = daily_caps(capped(std::nullopt, 5502), runs, now);
    ASSERT_NE(nearly.spent(), nullptr);
    EXPECT_EQ(nearly.spent()->spent_text(),
              "The daily cap of 5,502 requests (target.budget.requests_per_day) leaves 2, too few "
              "for a run to send anything: 5,500 sent since 2026-12-05T18:00:00Z; the next run "
              "continues after 2026-12-06T18:10:00Z.");
    EXPECT_FALSE(daily_caps(capped(std::nullopt, 5503), runs, now).spent());
    // An hour later than 18:10 the first run no longer counts.
    EXPECT_FALSE(daily_caps(capped(5000, std::nullopt), runs, at("2026-12-06T19:10:00Z")).spent());
}

TEST(DailyCap, TheClientCountsEveryRequestAndSendsNoneOverTheAllowance) {
    http::RequestCounter counter;
    counter.allow(
        {2, 3, "not sent: the daily cap of writes", "not sent: the daily cap of requests"});
    EXPECT_FALSE(counter.take(http::RequestKind::write));
    EXPECT_FALSE(counter.take(http::RequestKind::read));
    EXPECT_FALSE(counter.take(http::RequestKind::write));
    const auto write = counter.take(http::RequestKind::write);
    ASSERT_TRUE(write);
    EXPECT_TRUE(http::refused_by_daily_cap(*write)) << *write;
    EXPECT_EQ(counter.sent(), (http::RequestCounts{2, 3}));
    EXPECT_EQ(counter.take(http::RequestKind::read), "not sent: the daily cap of requests");
    EXPECT_EQ(counter.sent(), (http::RequestCounts{2, 3})) << "what was refused is not counted";

    http::RequestCounter unlimited;
    for (int i = 0; i < 5; ++i)
        EXPECT_FALSE(unlimited.take(i % 2 ? http::RequestKind::read : http::RequestKind::write));
    EXPECT_EQ(unlimited.sent(), (http::RequestCounts{3, 5}));
}

} // namespace
} // namespace hr2scim::agent
