#include "http/throttle.hpp"

#include <algorithm>

namespace hr2scim::http {

// Paced at 98% of the limit: a request that travels a little faster than the one before
// must not make the 51st of 50 in the target's window.
constexpr double k_pace_share = 0.98;

Throttle::Throttle(double requests_per_second) {
    if (requests_per_second > 0)
        m_interval = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(1.0 / (requests_per_second * k_pace_share)));
}

bool Throttle::acquire() {
    std::unique_lock lock(m_mutex);
    const auto abandoned = [&] { return m_abandoned.has_value(); };
    for (;;) {
        if (m_abandoned) return false;
        const auto now = Clock::now();
        if (now < m_paused_until) {
            m_changed.wait_until(lock, m_paused_until, abandoned);
            continue;
        }
        if (!m_interval) return true;
        // Take the next slot now; later callers queue behind it.
        const auto slot = std::max(now, m_next_slot);
        m_next_slot = slot + *m_interval;
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

} // namespace hr2scim::http
