#include "apply/breaker.hpp"

#include "apply/stop_request.hpp"

#include <algorithm>

namespace hr2scim::apply {

std::optional<std::string> CircuitBreaker::tripped() const {
    if (m_tripped) return m_tripped;
    if (auto why = stop_requested()) return "hr2scim was asked to stop (" + *why + ")";
    return std::nullopt;
}

bool CircuitBreaker::stopping() const {
    return !m_tripped && stop_requested().has_value();
}

void CircuitBreaker::note(Result result, const std::string& why) {
    if (m_tripped || result == Result::skipped) return;
    if (result == Result::target_unusable) {
        if (why.find("HTTP 401") != std::string::npos)
            m_tripped = "the target refused the credentials";
        else if (why.find("HTTP 403") != std::string::npos)
            m_tripped = "the target refused the token's permission";
        else
            m_tripped = "the target did not answer";
        if (!why.empty()) *m_tripped += " (" + why.substr(0, 300) + ")";
        return;
    }
    // Conflicts are about one person; transient, refused and unknown outcomes about the target.
    const bool failed =
        result == Result::transient || result == Result::refused || result == Result::unknown;
    m_in_a_row = result == Result::transient ? m_in_a_row + 1 : 0;
    if (m_settings.consecutive_failures > 0 && m_in_a_row >= m_settings.consecutive_failures) {
        m_tripped = std::to_string(m_in_a_row) +
                    " operations in a row failed with a busy or failing "
                    "target (target.breaker.consecutive_failures)";
        return;
    }
    m_recent.push_back(failed);
    if (m_recent.size() > m_settings.window) m_recent.pop_front();
    if (m_settings.window == 0 || m_recent.size() < m_settings.window) return;
    const auto failures = static_cast<size_t>(std::ranges::count(m_recent, true));
    if (100.0 * static_cast<double>(failures) / static_cast<double>(m_recent.size()) >
        m_settings.max_failure_percent)
        m_tripped = std::to_string(failures) + " of the last " + std::to_string(m_recent.size()) +
                    " operations failed (target.breaker.max_failure_percent)";
}

} // namespace hr2scim::apply
