#include "agent/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace hr2scim::agent {
namespace {

// Longer runs redraw a few times a second.
constexpr std::chrono::milliseconds k_redraw_every{250};

} // namespace

ProgressLine::ProgressLine(apply::OutcomeSink& inner, size_t total, bool enabled,
                           std::FILE* terminal, std::chrono::milliseconds quiet_for)
    : m_inner(inner), m_total(total), m_enabled(enabled && terminal != nullptr),
      m_terminal(terminal), m_quiet_for(quiet_for) {}

ProgressLine::~ProgressLine() {
    if (m_shown) std::fputs("\r\033[K", m_terminal); // the summary follows on a clean line
}

std::string ProgressLine::text(size_t done, size_t total, size_t failed,
                               std::chrono::duration<double> elapsed) {
    const double rate = elapsed.count() > 0 ? static_cast<double>(done) / elapsed.count() : 0;
    std::string line = fmt::format("{}/{} operations, {:.0f}/s", done, total, rate);
    if (rate > 0 && done < total)
        line += fmt::format(", about {:.0f} s left", static_cast<double>(total - done) / rate);
    if (failed > 0) line += fmt::format(", {} failed", failed);
    return line;
}

bool ProgressLine::stderr_is_terminal() {
    return ::isatty(STDERR_FILENO) == 1;
}

void ProgressLine::record(const apply::Outcome& outcome) {
    m_inner.record(outcome);
    ++m_done;
    if (outcome.result != apply::Result::done) ++m_failed;
    if (!m_enabled) return;
    const auto now = Clock::now();
    if (now - m_started < m_quiet_for || (m_shown && now - m_drawn < k_redraw_every)) return;
    m_drawn = now;
    m_shown = true;
    std::fprintf(m_terminal, "\r\033[K%s",
                 text(m_done, m_total, m_failed, now - m_started).c_str());
    std::fflush(m_terminal);
}

} // namespace hr2scim::agent
