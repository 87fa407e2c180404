// The state's timestamps: written as YYYY-MM-DDTHH:MM:SSZ, read back whether SQLite added
// milliseconds or not, and anything else that is not a date refused.
#include "state/timestamp.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using namespace std::chrono;

TEST(Timestamp, WhatIsWrittenReadsBackToTheSecond) {
    for (const sys_seconds instant :
         {sys_days(year{2026} / December / 7) + hours(9) + minutes(58) + seconds(44),
          sys_days(year{1999} / January / 1) + seconds(0),
          sys_days(year{2028} / February / 29) + hours(23) + minutes(59) + seconds(59)}) {
        EXPECT_EQ(from_timestamp(to_timestamp(instant)), instant) << to_timestamp(instant);
    }
    EXPECT_EQ(to_timestamp(sys_days(year{2026} / March / 5) + hours(4)), "2026-03-05T04:00:00Z");
}

TEST(Timestamp, MillisecondsAndShortFieldsAreRead) {
    const auto expected = sys_days(year{2026} / December / 7) + hours(9) + minutes(5) + seconds(3);
    EXPECT_EQ(from_timestamp("2026-12-07T09:05:03.250Z"), expected); // SQLite's strftime %f
    EXPECT_EQ(from_timestamp("2026-12-07T09:05:03"), expected);
    EXPECT_EQ(from_timestamp("2026-12-7T9:5:3Z"), expected); // as sscanf always read it
}

TEST(Timestamp, WhatIsNotADateIsNothing) {
    for (const char* text : {"", "2026", "2026-12-07", "yesterday", "2026-02-30T00:00:00Z",
                             "2026-13-01T00:00:00Z", "20x6-12-07T09:05:03Z"})
        EXPECT_EQ(from_timestamp(text), std::nullopt) << text;
}

} // namespace
} // namespace hr2scim::state
