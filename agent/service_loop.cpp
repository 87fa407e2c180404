#include "agent/service_loop.hpp"

#include "agent/config.hpp"
#include "agent/cycle_summary.hpp"
#include "agent/run_metrics.hpp"
#include "agent/service_notifier.hpp"
#include "apply/stop_request.hpp"
#include "state/run_history.hpp"

#include <condition_variable>
#include <csignal>
#include <memory>
#include <mutex>
#include <random>
#include <spdlog/spdlog.h>
#include <thread>

namespace hr2scim::agent {
namespace {

using Clock = std::chrono::steady_clock;

// SIGTERM, SIGINT and SIGHUP are blocked in every thread (the mask is set before any other
// thread starts, and threads inherit it) and taken by one thread of their own with
// sigtimedwait: no work is done in a signal handler.
class SignalWatcher {
  public:
    enum class Event { time_is_up, stop, reload };

    SignalWatcher() {
        sigemptyset(&m_signals);
        for (int signal : {SIGTERM, SIGINT, SIGHUP})
            sigaddset(&m_signals, signal);
        pthread_sigmask(SIG_BLOCK, &m_signals, nullptr);
        m_thread = std::thread([this] { watch(); });
    }
    // The mask stays: a signal arriving while the process ends is not a crash.
    ~SignalWatcher() {
        {
            std::scoped_lock lock(m_mutex);
            m_done = true;
        }
        m_thread.join();
    }
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    // Waits until `deadline`, a stop or a reload; a reload is reported once.
    Event wait_until(Clock::time_point deadline) {
        std::unique_lock lock(m_mutex);
        m_changed.wait_until(lock, deadline, [&] { return m_stop || m_reload; });
        if (m_stop) return Event::stop;
        if (m_reload) {
            m_reload = false;
            return Event::reload;
        }
        return Event::time_is_up;
    }

    [[nodiscard]] bool stopping() {
        std::scoped_lock lock(m_mutex);
        return m_stop;
    }

  private:
    void watch() {
        const timespec tick{0, 200'000'000};
        for (;;) {
            const int signal = sigtimedwait(&m_signals, nullptr, &tick);
            std::scoped_lock lock(m_mutex);
            if (m_done) return;
            if (signal < 0) continue;
            if (signal == SIGHUP) {
                m_reload = true;
            } else {
                const char* name = signal == SIGINT ? "SIGINT" : "SIGTERM";
                if (!m_stop)
                    spdlog::info("{}: stopping; no new operation is sent, those in flight finish",
                                 name);
                m_stop = true;
                apply::request_stop(name);
            }
            m_changed.notify_all();
        }
    }

    sigset_t m_signals{};
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_stop = false;
    bool m_reload = false;
    bool m_done = false;
    std::thread m_thread; // last: it starts once the members above exist
};

// Reads the config and its mapping and checks them as a run would, before any is used.
PinnedConfig read_and_check(const RunOptions& options) {
    PinnedConfig pinned;
    pinned.config_text = read_text_file(options.config, "config file");
    for (const auto& config :
         one_config_per_target(parse_config(pinned.config_text, options.config)))
        pinned.mappings.try_emplace(config.mapping, read_mapping_file(config.mapping));
    RunOptions check = options;
    check.pinned = &pinned;
    check_config(check);
    return pinned;
}

std::string describe(std::chrono::seconds interval) {
    const auto count = interval.count();
    if (count != 0 && count % 86400 == 0) return std::to_string(count / 86400) + "d";
    if (count != 0 && count % 3600 == 0) return std::to_string(count / 3600) + "h";
    if (count != 0 && count % 60 == 0) return std::to_string(count / 60) + "m";
    return std::to_string(count) + "s";
}

// The metrics the textfile would hold, from every state the config names, for /metrics; none
// (the last ones stay) when a state cannot be read now.
std::optional<std::string> state_metrics(const std::vector<std::filesystem::path>& states) {
    try {
        std::vector<state::TargetHistory> targets;
        for (const auto& state : states)
            for (auto& history : state::read_history(state, 20))
                targets.push_back(std::move(history));
        return prometheus_metrics(targets);
    } catch (const std::exception& error) {
        spdlog::warn("--listen: /metrics keeps the last metrics: {}", error.what());
        return std::nullopt;
    }
}

// Listening before READY=1, so that a port in use fails the start (exit 1).
std::unique_ptr<Listener> start_listener(const LoopOptions& loop, LoopStatus& status,
                                         const std::vector<std::filesystem::path>& states) {
    if (!loop.listen) return nullptr;
    if (auto metrics = state_metrics(states)) status.set_state_metrics(std::move(*metrics));
    auto listener = std::make_unique<Listener>(*loop.listen, status);
    spdlog::info("serving /metrics and /healthz on http://{}", loop.listen->text());
    if (!is_loopback(loop.listen->host))
        spdlog::warn("--listen {} is not a loopback address: anything that reaches it reads "
                     "/metrics and /healthz, with no authentication and no TLS",
                     loop.listen->text());
    return listener;
}

} // namespace

std::optional<std::chrono::seconds> parse_interval(std::string_view text) {
    if (text.empty()) return std::nullopt;
    long long number = 0;
    size_t at = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
        number = number * 10 + (text[at] - '0');
        if (number > 366LL * 86400) return std::nullopt;
    }
    if (at == 0) return std::nullopt;
    const auto unit = text.substr(at);
    const long long per = unit == "s" || (unit.empty() && number == 0) ? 1
                          : unit == "m"                                ? 60
                          : unit == "h"                                ? 3600
                          : unit == "d"                                ? 86400
                                                                       : 0;
    if (per == 0) return std::nullopt;
    return std::chrono::seconds(number * per);
}

ExitCode run_loop(RunOptions options, const LoopOptions& loop, std::ostream& out) {
    SignalWatcher signals;
    auto pinned = read_and_check(options); // a bad config at start is exit 1
    options.command = Command::sync;
    options.service_loop = true;
    options.pinned = &pinned;
    spdlog::info("syncing every {} (and up to {} more); SIGHUP reloads the config, SIGTERM stops",
                 describe(loop.every), describe(loop.jitter));
    LoopStatus status(loop.every, loop.jitter);
    const auto listener = start_listener(loop, status, state_files(pinned, options.config));
    ServiceNotifier systemd;
    systemd.ready("first cycle running; syncing every " + describe(loop.every));
    std::mt19937_64 random(std::random_device{}());
    for (size_t cycle = 1;; ++cycle) {
        const auto states = state_files(pinned, options.config);
        const auto before = newest_runs(states);
        status.cycle_started();
        const auto code = run_reporting_errors(options, out);
        out.flush();
        spdlog::info("cycle {} ended with exit code {}", cycle, static_cast<int>(code));
        const auto summary = summarize_cycle(states, before, code);
        systemd.status(status_line(summary));
        status.cycle_ended(summary, listener ? state_metrics(states) : std::nullopt);
        if (signals.stopping()) break;
        std::uniform_int_distribution<long long> spread(0, loop.jitter.count());
        const auto deadline = Clock::now() + loop.every + std::chrono::seconds(spread(random));
        auto event = signals.wait_until(deadline);
        for (; event == SignalWatcher::Event::reload; event = signals.wait_until(deadline)) {
            try {
                pinned = read_and_check(options);
                spdlog::info("SIGHUP: reloaded {}; the next cycle uses it",
                             options.config.string());
            } catch (const std::exception& error) {
                spdlog::error("SIGHUP: the new config is not used, the last good one keeps "
                              "running: {}",
                              error.what());
            }
        }
        if (event == SignalWatcher::Event::stop) break;
    }
    systemd.stopping();
    spdlog::info("stopped");
    return ExitCode::ok;
}

} // namespace hr2scim::agent
