// /healthz's verdict and document, and /metrics' loop gauges, from a loop's snapshot at fixed
// times.

#include "agent/loop_status.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hr2scim::agent {
namespace {

using namespace std::chrono_literals;

// A loop started at `start` (steady) syncing every 10 s with up to 5 s of jitter: stale after
// 30 s without a cycle ending.
LoopSnapshot loop_at(std::chrono::steady_clock::time_point start) {
    LoopSnapshot loop;
    loop.loop_started = {start, std::chrono::sys_seconds(1'700'000'000s)};
    loop.every = 10s;
    loop.jitter = 5s;
    return loop;
}

// The loop with one cycle that ran from 1 s to 3 s after the start and ended with `code`.
LoopSnapshot after_a_cycle(std::chrono::steady_clock::time_point start, ExitCode code) {
    auto loop = loop_at(start);
    loop.cycles = 1;
    CycleSummary summary{.ended = {}, .code = code, .interrupted = false, .sent = 3, .targets = {}};
    summary.targets.push_back({.target = "okta", .result = "ok", .exit_code = 0});
    summary.targets.push_back({.target = "slack", .result = "failed", .exit_code = 1});
    loop.last = FinishedCycle{
        .started = {start + 1s, std::chrono::sys_seconds(1'700'000'001s)},
        .ended = {start + 3s, std::chrono::sys_seconds(1'700'000'003s)},
        .summary = summary,
    };
    return loop;
}

nlohmann::json body_of(const Health& health) {
    return nlohmann::json::parse(health.body);
}

const auto k_start = std::chrono::steady_clock::time_point(1000s);

TEST(LoopHealth, BeforeTheFirstCycleEndsItIsStartingWithNoLastCycle) {
    auto loop = loop_at(k_start);
    loop.cycle_running = Instant{k_start + 1s, std::chrono::sys_seconds(1'700'000'001s)};
    const auto health = health_of(loop, k_start + 30s);
    EXPECT_EQ(health.http_status, 200);
    const auto body = body_of(health);
    EXPECT_EQ(body["healthy"], true);
    EXPECT_EQ(body["status"], "starting");
    EXPECT_TRUE(body["last_cycle"].is_null());
    EXPECT_EQ(body["cycle_running"], true);
    EXPECT_EQ(body["cycle_started_at"], "2023-11-14T22:13:21Z");
    EXPECT_EQ(body["loop_started_at"], "2023-11-14T22:13:20Z");
    EXPECT_EQ(body["stale_after_seconds"], 30);
    EXPECT_EQ(body["cycles"], 0);
}

TEST(LoopHealth, AFirstCycleThatDoesNotEndInTwiceTheWaitIsStale) {
    const auto health = health_of(loop_at(k_start), k_start + 31s);
    EXPECT_EQ(health.http_status, 503);
    EXPECT_EQ(body_of(health)["status"], "stale");
    EXPECT_EQ(body_of(health)["healthy"], false);
}

TEST(LoopHealth, AnOkCycleIsHealthyWithItsTimesResultAndTargets) {
    const auto health = health_of(after_a_cycle(k_start, ExitCode::ok), k_start + 33s);
    EXPECT_EQ(health.http_status, 200);
    const auto body = body_of(health);
    EXPECT_EQ(body["status"], "ok");
    EXPECT_EQ(body["cycle_running"], false);
    EXPECT_TRUE(body["cycle_started_at"].is_null());
    const auto& last = body["last_cycle"];
    EXPECT_EQ(last["started_at"], "2023-11-14T22:13:21Z");
    EXPECT_EQ(last["finished_at"], "2023-11-14T22:13:23Z");
    EXPECT_EQ(last["result"], "ok");
    EXPECT_EQ(last["exit_code"], 0);
    EXPECT_EQ(last["sent"], 3);
    ASSERT_EQ(last["targets"].size(), 2U);
    EXPECT_EQ(last["targets"][1],
              nlohmann::json::parse(R"({"target": "slack", "result": "failed", "exit_code": 1})"));
}

TEST(LoopHealth, ACycleThatFailedIsUnhealthyAndPartialOrAGateIsNot) {
    const auto failed = health_of(after_a_cycle(k_start, ExitCode::failed), k_start + 4s);
    EXPECT_EQ(failed.http_status, 503);
    EXPECT_EQ(body_of(failed)["status"], "last_cycle_failed");
    EXPECT_EQ(body_of(failed)["last_cycle"]["result"], "failed");
    for (auto code : {ExitCode::partial, ExitCode::safety_stop}) {
        const auto health = health_of(after_a_cycle(k_start, code), k_start + 4s);
        EXPECT_EQ(health.http_status, 200) << health.body;
    }
}

TEST(LoopHealth, NoCycleEndingInTwiceTheWaitAfterTheLastIsStale) {
    EXPECT_EQ(health_of(after_a_cycle(k_start, ExitCode::ok), k_start + 33s).http_status, 200);
    const auto stale = health_of(after_a_cycle(k_start, ExitCode::ok), k_start + 34s);
    EXPECT_EQ(stale.http_status, 503);
    EXPECT_EQ(body_of(stale)["status"], "stale");
}

TEST(LoopHealth, ATargetNameThatIsNotUtf8DoesNotBreakTheDocument) {
    auto loop = after_a_cycle(k_start, ExitCode::ok);
    loop.last->summary.targets[0].target = "bad\xff";
    EXPECT_NO_THROW((void)body_of(health_of(loop, k_start + 4s)));
}

TEST(LoopMetrics, TheStatesMetricsThenTheLoopsGauges) {
    auto loop = after_a_cycle(k_start, ExitCode::ok);
    loop.cycles = 7;
    loop.state_metrics = "hr2scim_runs_total{target=\"okta\",result=\"ok\"} 7\n";
    loop.cycle_running = Instant{k_start + 14s, std::chrono::sys_seconds(1'700'000'014s)};
    const auto text = metrics_of(loop, k_start + 15s);
    EXPECT_TRUE(text.starts_with(loop.state_metrics)) << text;
    for (const char* line :
         {"hr2scim_loop_started_timestamp_seconds 1700000000\n",
          "# TYPE hr2scim_loop_cycles_total counter\n", "hr2scim_loop_cycles_total 7\n",
          "hr2scim_loop_cycle_running 1\n",
          "hr2scim_loop_last_cycle_start_timestamp_seconds 1700000001\n",
          "hr2scim_loop_last_cycle_end_timestamp_seconds 1700000003\n", "hr2scim_loop_healthy 1\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
    EXPECT_NE(metrics_of(loop, k_start + 40s).find("hr2scim_loop_healthy 0\n"), std::string::npos);
}

TEST(LoopMetrics, NoLastCycleGaugesBeforeTheFirstEnds) {
    const auto text = metrics_of(loop_at(k_start), k_start);
    EXPECT_EQ(text.find("hr2scim_loop_last_cycle"), std::string::npos) << text;
    EXPECT_NE(text.find("hr2scim_loop_cycles_total 0\n"), std::string::npos) << text;
}

TEST(LoopStatus, ACycleEndedKeepsTheLastStateMetricsWhenGivenNone) {
    LoopStatus status(10s, 0s);
    status.set_state_metrics("before\n");
    status.cycle_started();
    EXPECT_TRUE(status.snapshot().cycle_running.has_value());
    status.cycle_ended(CycleSummary{}, std::nullopt);
    auto now = status.snapshot();
    EXPECT_EQ(now.state_metrics, "before\n");
    EXPECT_EQ(now.cycles, 1U);
    EXPECT_FALSE(now.cycle_running.has_value());
    ASSERT_TRUE(now.last.has_value());
    EXPECT_LE(now.last->started.steady, now.last->ended.steady);
    status.cycle_ended(CycleSummary{}, "after\n");
    EXPECT_EQ(status.snapshot().state_metrics, "after\n");
}

} // namespace
} // namespace hr2scim::agent
