#include "http/throttle.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace hr2scim::http {
namespace {

using Clock = Throttle::Clock;

// Paced at 98% of the limit: a request that travels a little faster than the one before
// must not make the 51st of 50 in the target's window.
constexpr double k_pace_share = 0.98;
// After a 429 the pace is cut to this share of what the target let through over the last
// period (as sent), and by at least k_decrease of what it was...
constexpr double k_let_through = 0.95;
constexpr double k_decrease = 0.9;
// ...and climbs back by this share of the budget every adaptation period without a 429: slowly,
// so that the next 429 (the climb finding the limit again) is many periods away.
constexpr double k_increase = 0.005;
// Never slower than this share of the budget: a pace of zero would never finish.
constexpr double k_floor = 0.05;
// A kind without a budget learns one from what it sent over this long before its first 429.
constexpr auto k_learning_window = std::chrono::seconds(10);

Clock::duration interval_of(double per_second) {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / per_second));
}

} // namespace

// One pace (requests/s), adapted to 429s; used under the throttle's lock.
class Throttle::Pacer {
  public:
    Pacer(std::optional<Rate> budget, const char* what) : m_what(what) {
        if (!budget) return;
        m_ceiling = budget->per_second() * k_pace_share;
        m_pace = m_ceiling;
        m_lowest = m_pace;
        m_period = std::clamp<Clock::duration>(budget->window, std::chrono::seconds(1),
                                               std::chrono::seconds(60));
    }

    // The earliest this pacer lets the next request go.
    [[nodiscard]] Clock::time_point next_slot() const { return m_next; }

    // A request goes at `slot`.
    void take(Clock::time_point slot) {
        m_next = m_pace ? slot + interval_of(*m_pace) : slot;
        // What was sent over the last period (or the learning window): what a 429 measures.
        m_sent.push_back(slot);
        const auto kept = m_ceiling ? m_period : Clock::duration(k_learning_window);
        while (!m_sent.empty() && m_sent.front() < slot - kept)
            m_sent.pop_front();
    }

    // Additive increase: the pace climbs back while no 429 comes.
    void raise(Clock::time_point now) {
        if (!m_pace || *m_pace >= *m_ceiling) return;
        const auto periods = (now - m_last_change) / m_period;
        if (periods < 1) return;
        m_pace =
            std::min(*m_ceiling, *m_pace + *m_ceiling * k_increase * static_cast<double>(periods));
        m_last_change = now;
    }

    // Multiplicative decrease, at most once per period (a burst of 429s is one signal).
    // True when the pace was lowered.
    bool cut(Clock::time_point now) {
        if (m_pace && now - m_last_cut < m_period) return false;
        double let_through = 0;
        if (!m_ceiling) {
            // No budget: what was sent over the last seconds is what the target would not take.
            if (m_sent.size() < 2) return false;
            const std::chrono::duration<double> span = m_sent.back() - m_sent.front();
            const double seen = static_cast<double>(m_sent.size()) / std::max(span.count(), 1.0);
            m_ceiling = seen;
            m_pace = seen;
            m_period = std::chrono::seconds(10);
            let_through = seen * k_decrease;
        } else {
            // The target's window filled with what this pace sent over the last period (and
            // what others sent): that much is what it lets through now.
            while (!m_sent.empty() && m_sent.front() < now - m_period)
                m_sent.pop_front();
            const std::chrono::duration<double> period = m_period;
            let_through = static_cast<double>(m_sent.size()) / period.count() * k_let_through;
        }
        m_sent.clear();
        m_pace = std::max(std::min(*m_pace * k_decrease, let_through), *m_ceiling * k_floor);
        m_lowest = std::min(m_lowest.value_or(*m_pace), *m_pace);
        m_last_cut = now;
        m_last_change = now;
        spdlog::info("the target answered 429 to {}: paced down to {:.2f}/s (at most {:.2f}/s)",
                     m_what, *m_pace, *m_ceiling);
        return true;
    }

    [[nodiscard]] double pace() const { return m_pace.value_or(0); }
    [[nodiscard]] double lowest() const { return m_lowest.value_or(0); }

  private:
    const char* m_what;
    std::optional<double> m_ceiling; // requests/s: the budget's pace, or the one learnt
    std::optional<double> m_pace;    // nothing: not paced
    std::optional<double> m_lowest;
    Clock::duration m_period = std::chrono::seconds(1);
    Clock::time_point m_next{};
    Clock::time_point m_last_cut{};
    Clock::time_point m_last_change{};
    std::deque<Clock::time_point> m_sent; // when requests went, over the last period
};

Throttle::Throttle(double requests_per_second)
    : Throttle(Budget{{}, {}, requests_per_second, {}}) {}

Throttle::Throttle(const Budget& budget)
    : m_writes(std::make_unique<Pacer>(budget.writes, "a write")),
      m_reads(std::make_unique<Pacer>(budget.reads, "a read")) {
    if (budget.requests_per_second > 0)
        m_all = std::make_unique<Pacer>(Rate{budget.requests_per_second, std::chrono::seconds(1)},
                                        "a request");
}

Throttle::~Throttle() = default;

bool Throttle::acquire(RequestKind kind) {
    std::unique_lock lock(m_mutex);
    const auto abandoned = [&] { return m_abandoned.has_value(); };
    Pacer& own = kind == RequestKind::write ? *m_writes : *m_reads;
    for (;;) {
        if (m_abandoned) return false;
        const auto now = Clock::now();
        if (now < m_paused_until) {
            m_changed.wait_until(lock, m_paused_until, abandoned);
            continue;
        }
        own.raise(now);
        // Take the next slot now; later callers queue behind it.
        auto slot = std::max(now, own.next_slot());
        if (m_all) slot = std::max(slot, m_all->next_slot());
        own.take(slot);
        if (m_all) m_all->take(slot);
        if (slot > now && m_changed.wait_until(lock, slot, abandoned)) return false;
        if (Clock::now() >= m_paused_until) return true;
        // A pause began while this one waited for its slot: it waits the pause out too.
    }
}

bool Throttle::wait(std::chrono::milliseconds delay) {
    std::unique_lock lock(m_mutex);
    return !m_changed.wait_for(lock, delay, [&] { return m_abandoned.has_value(); });
}

void Throttle::pause_for(std::chrono::milliseconds delay) {
    std::lock_guard lock(m_mutex);
    m_paused_until = std::max(m_paused_until, Clock::now() + delay);
}

void Throttle::rate_limited(RequestKind kind) {
    std::lock_guard lock(m_mutex);
    ++m_rate_limited;
    Pacer& own = kind == RequestKind::write ? *m_writes : *m_reads;
    if (own.cut(Clock::now())) ++m_slowed_down;
}

void Throttle::abandon(std::string why) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_abandoned) m_abandoned = std::move(why);
    }
    m_changed.notify_all();
}

std::optional<std::string> Throttle::abandoned() const {
    std::lock_guard lock(m_mutex);
    return m_abandoned;
}

PaceReport Throttle::report() const {
    std::lock_guard lock(m_mutex);
    return {m_rate_limited, m_slowed_down, m_writes->pace(), m_writes->lowest()};
}

} // namespace hr2scim::http
