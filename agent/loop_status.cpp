#include "agent/loop_status.hpp"

#include "state/timestamp.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace hr2scim::agent {
namespace {

using std::chrono::steady_clock;

std::string timestamp(const Instant& instant) {
    return state::to_timestamp(std::chrono::floor<std::chrono::seconds>(instant.wall));
}

double epoch_seconds(const Instant& instant) {
    return std::chrono::duration<double>(instant.wall.time_since_epoch()).count();
}

// Twice the longest wait between two cycles: the next cycle starts within every + jitter of the
// last one's end, and may take as long again before it ends.
std::chrono::seconds stale_after(const LoopSnapshot& loop) {
    return 2 * (loop.every + loop.jitter);
}

// "ok", "starting", "last_cycle_failed" or "stale"; only the first two are healthy.
std::string verdict(const LoopSnapshot& loop, steady_clock::time_point now) {
    const auto since = loop.last ? loop.last->ended.steady : loop.loop_started.steady;
    if (now - since > stale_after(loop)) return "stale";
    if (!loop.last) return "starting";
    if (loop.last->summary.code == ExitCode::failed) return "last_cycle_failed";
    return "ok";
}

bool healthy(const std::string& verdict) {
    return verdict == "ok" || verdict == "starting";
}

nlohmann::ordered_json cycle_json(const FinishedCycle& cycle) {
    auto targets = nlohmann::ordered_json::array();
    for (const auto& target : cycle.summary.targets)
        targets.push_back({{"target", target.target},
                           {"result", target.result},
                           {"exit_code", target.exit_code}});
    return {{"started_at", timestamp(cycle.started)},
            {"finished_at", timestamp(cycle.ended)},
            {"result", result_of(cycle.summary)},
            {"exit_code", static_cast<int>(cycle.summary.code)},
            {"sent", cycle.summary.sent},
            {"targets", std::move(targets)}};
}

void gauge(std::string& text, const char* name, const char* type, const char* help, double value) {
    text += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

} // namespace

Instant Instant::now() {
    return {steady_clock::now(), std::chrono::system_clock::now()};
}

LoopStatus::LoopStatus(std::chrono::seconds every, std::chrono::seconds jitter) {
    m_now.loop_started = Instant::now();
    m_now.every = every;
    m_now.jitter = jitter;
}

void LoopStatus::cycle_started() {
    const std::scoped_lock lock(m_mutex);
    m_now.cycle_running = Instant::now();
}

void LoopStatus::cycle_ended(const CycleSummary& summary,
                             std::optional<std::string> state_metrics) {
    const std::scoped_lock lock(m_mutex);
    if (state_metrics) m_now.state_metrics = std::move(*state_metrics);
    m_now.last = FinishedCycle{
        .started = m_now.cycle_running.value_or(Instant::now()),
        .ended = Instant::now(),
        .summary = summary,
    };
    m_now.cycle_running.reset();
    ++m_now.cycles;
}

void LoopStatus::set_state_metrics(std::string text) {
    const std::scoped_lock lock(m_mutex);
    m_now.state_metrics = std::move(text);
}

LoopSnapshot LoopStatus::snapshot() const {
    const std::scoped_lock lock(m_mutex);
    return m_now;
}

Health health_of(const LoopSnapshot& loop, steady_clock::time_point now) {
    const auto said = verdict(loop, now);
    const nlohmann::ordered_json body = {
        {"healthy", healthy(said)},
        {"status", said},
        {"loop_started_at", timestamp(loop.loop_started)},
        {"every_seconds", loop.every.count()},
        {"jitter_seconds", loop.jitter.count()},
        {"stale_after_seconds", stale_after(loop).count()},
        {"cycles", loop.cycles},
        {"cycle_running", loop.cycle_running.has_value()},
        {"cycle_started_at",
         loop.cycle_running ? nlohmann::ordered_json(timestamp(*loop.cycle_running)) : nullptr},
        {"last_cycle", loop.last ? cycle_json(*loop.last) : nullptr},
    };
    // A target's name is the admin's text: replace what is not UTF-8 rather than throw.
    return {healthy(said) ? 200 : 503,
            body.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n"};
}

std::string metrics_of(const LoopSnapshot& loop, steady_clock::time_point now) {
    std::string text = loop.state_metrics;
    gauge(text, "hr2scim_loop_started_timestamp_seconds", "gauge",
          "When this service loop (hr2scim run) started.", epoch_seconds(loop.loop_started));
    gauge(text, "hr2scim_loop_cycles_total", "counter",
          "Cycles this service loop finished, whatever their result.",
          static_cast<double>(loop.cycles));
    gauge(text, "hr2scim_loop_cycle_running", "gauge", "1 while a cycle runs, 0 between cycles.",
          loop.cycle_running ? 1 : 0);
    if (loop.last) {
        gauge(text, "hr2scim_loop_last_cycle_start_timestamp_seconds", "gauge",
              "When the last finished cycle started.", epoch_seconds(loop.last->started));
        gauge(text, "hr2scim_loop_last_cycle_end_timestamp_seconds", "gauge",
              "When the last finished cycle ended.", epoch_seconds(loop.last->ended));
    }
    gauge(text, "hr2scim_loop_healthy", "gauge",
          "1 when /healthz answers 200: the last cycle did not fail and cycles keep ending.",
          healthy(verdict(loop, now)) ? 1 : 0);
    return text;
}

} // namespace hr2scim::agent
