#include "state/source_guard.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

TEST(SourceGuard, AMinimumCountFailsASmallRead) {
    SourceGuards guards{100, 50};
    EXPECT_EQ(*completeness_problem(99, std::nullopt, guards),
              "the source returned 99 records, fewer than source.min_records (100)");
    EXPECT_EQ(completeness_problem(100, std::nullopt, guards), std::nullopt);
}

TEST(SourceGuard, AShrinkBeyondTheLimitFailsTheRead) {
    SourceGuards guards{0, 10};
    EXPECT_EQ(completeness_problem(90, 100, guards), std::nullopt)
        << "exactly at the limit is fine";
    EXPECT_EQ(
        *completeness_problem(89, 100, guards),
        "the source shrank from 100 to 89 records (11%) since its last complete read, more than "
        "source.max_shrink_percent (10%)");
    EXPECT_EQ(completeness_problem(0, 0, guards), std::nullopt);
    EXPECT_EQ(completeness_problem(150, 100, guards), std::nullopt) << "growth is never a problem";
}

TEST(SourceGuard, AHundredPercentTurnsTheShrinkGuardOff) {
    EXPECT_EQ(completeness_problem(1, 1000, {0, 100}), std::nullopt);
    EXPECT_NE(completeness_problem(0, 1000, {0, 99.9}), std::nullopt);
}

} // namespace
} // namespace hr2scim::state
