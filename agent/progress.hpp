#pragma once
// A progress line on the terminal while a plan is sent: done/total, rate, time left, failures.
// Drawn on stderr only when it is a terminal and the run takes more than a couple of
// seconds; never in a cron log. It passes everything on to the recorder it wraps.

#include "apply/recorder.hpp"

#include <chrono>
#include <cstdio>

namespace hr2scim::agent {

class ProgressLine final : public apply::OutcomeSink {
  public:
    // `enabled`: false draws nothing (not a terminal, or --quiet). Nothing is drawn before
    // `quiet_for` has passed.
    ProgressLine(apply::OutcomeSink& inner, size_t total, bool enabled, std::FILE* terminal,
                 std::chrono::milliseconds quiet_for = std::chrono::seconds(2));
    ~ProgressLine() override;
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    void journal_create(const state::Operation& operation, const nlohmann::json& body) override {
        m_inner.journal_create(operation, body);
    }
    void record(const apply::Outcome& outcome) override;
    void journal_group_create(const state::GroupOperation& operation,
                              const state::StoredGroup& group) override {
        m_inner.journal_group_create(operation, group);
    }
    void journal_group_members(const state::GroupOperation& operation,
                               const std::vector<std::string>& keys,
                               const std::vector<std::string>& ids) override {
        m_inner.journal_group_members(operation, keys, ids);
    }
    void record_group(const apply::GroupOutcome& outcome) override {
        m_inner.record_group(outcome);
    }

    // What the line says after `done` of `total` in `elapsed` (exposed for tests).
    [[nodiscard]] static std::string text(size_t done, size_t total, size_t failed,
                                          std::chrono::duration<double> elapsed);

    // Whether stderr is a terminal a progress line may be drawn on.
    [[nodiscard]] static bool stderr_is_terminal();

  private:
    using Clock = std::chrono::steady_clock;
    apply::OutcomeSink& m_inner;
    size_t m_total;
    bool m_enabled;
    std::FILE* m_terminal;
    size_t m_done = 0;
    size_t m_failed = 0;
    std::chrono::milliseconds m_quiet_for;
    Clock::time_point m_started = Clock::now();
    Clock::time_point m_drawn{};
    bool m_shown = false;
};

} // namespace hr2scim::agent
