#include "agent/progress.hpp"

#include <cstdio>
#include <gtest/gtest.h>
#include <string>

namespace hr2scim::agent {
namespace {

using namespace std::chrono_literals;

struct Counting final : apply::OutcomeSink {
    size_t recorded = 0;
    void journal_create(const state::Operation&, const nlohmann::json&) override {}
    void record(const apply::Outcome&) override { ++recorded; }
    size_t groups_recorded = 0;
    void journal_group_create(const state::GroupOperation&, const state::StoredGroup&) override {}
    void journal_group_members(const state::GroupOperation&, const std::vector<std::string>&,
                               const std::vector<std::string>&) override {}
    void record_group(const apply::GroupOutcome&) override { ++groups_recorded; }
};

std::string contents(std::FILE* file) {
    std::fflush(file);
    std::rewind(file);
    std::string text;
    for (int c; (c = std::fgetc(file)) != EOF;)
        text += static_cast<char>(c);
    return text;
}

TEST(ProgressLine, SaysDoneTotalRateTimeLeftAndFailures) {
    EXPECT_EQ(ProgressLine::text(250, 1000, 0, 2s), "250/1000 operations, 125/s, about 6 s left");
    EXPECT_EQ(ProgressLine::text(1000, 1000, 3, 4s), "1000/1000 operations, 250/s, 3 failed");
    EXPECT_EQ(ProgressLine::text(0, 10, 0, 0s), "0/10 operations, 0/s");
}

TEST(ProgressLine, DrawsOnlyWhenEnabledAndClearsItselfAndPassesEverythingOn) {
    state::Operation operation;
    apply::Outcome failed;
    failed.operation = &operation;
    failed.result = apply::Result::transient;
    for (bool enabled : {true, false}) {
        std::FILE* terminal = std::tmpfile();
        ASSERT_NE(terminal, nullptr);
        Counting inner;
        {
            ProgressLine line(inner, 2, enabled, terminal, 0ms);
            line.record(failed);
            state::GroupOperation group;
            apply::GroupOutcome group_outcome;
            group_outcome.operation = &group;
            line.record_group(group_outcome);
        }
        EXPECT_EQ(inner.recorded, 1U);
        EXPECT_EQ(inner.groups_recorded, 1U); // group outcomes reach the recorder too
        const std::string drawn = contents(terminal);
        if (enabled) {
            EXPECT_NE(drawn.find("1/2 operations"), std::string::npos) << drawn;
            EXPECT_NE(drawn.find("1 failed"), std::string::npos) << drawn;
            EXPECT_TRUE(drawn.ends_with("\r\033[K")) << "cleared for the summary";
        } else {
            EXPECT_EQ(drawn, "") << "not a terminal, or --quiet: nothing at all";
        }
        std::fclose(terminal);
    }
}

} // namespace
} // namespace hr2scim::agent
