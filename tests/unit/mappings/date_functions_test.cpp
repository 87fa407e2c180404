// The date functions and the date helpers, with time zones, DST, empty and malformed input.
#include "mappings/date_functions.hpp"
#include "mappings/dates.hpp"
#include "mappings/expression_parser.hpp"

#include <gtest/gtest.h>

namespace hr2scim::mappings {
namespace {

// 2026-11-22 13:05 UTC: Berlin 14:05, New York 08:05, Auckland 2026-11-23 02:05.
const Instant k_now = *parse_instant("2026-11-22T13:05:00Z");

std::string text(std::string_view expression) {
    auto parsed = parse_expression(expression, {1, 1});
    if (!parsed) return "PARSE ERROR: " + parsed.error().message;
    connectors::Record person{
        "E1",
        {{"start", {"01/03/2026"}}, {"hired", {"2026-03-01"}}, {"bad", {"2026-02-30"}}},
        "hr.csv:2"};
    try {
        return evaluate(**parsed, person, k_now).text();
    } catch (const EvaluationError& error) {
        return std::string("ERROR: ") + error.what();
    }
}

TEST(DateFunctions, NowAndTodayReadTheRunsInstantInTheGivenZone) {
    EXPECT_EQ(text(R"(now("UTC"))"), "2026-11-22T13:05:00+00:00");
    EXPECT_EQ(text(R"(now("Europe/Berlin"))"), "2026-11-22T14:05:00+01:00");
    EXPECT_EQ(text(R"(today("America/New_York"))"), "2026-11-22");
    EXPECT_EQ(text(R"(today("Pacific/Auckland"))"), "2026-11-23") << "already tomorrow there";
    EXPECT_EQ(text(R"(today(hired))"),
              "ERROR: '2026-03-01' is not a time zone (for example Europe/Berlin, UTC)");
}

TEST(DateFunctions, ALiteralTimeZoneIsCheckedWhenTheMappingLoads) {
    auto parsed = parse_expression(R"(today("Europe/Berlinn"))", {3, 10});
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().message,
              "'Europe/Berlinn' is not a time zone (for example Europe/Berlin, UTC)");
    EXPECT_EQ(parsed.error().position.column, 16) << "points at the zone";
}

TEST(DateFunctions, FormatDatetimeConvertsBetweenFormats) {
    EXPECT_EQ(text(R"(format_datetime(start, "%d/%m/%Y", "%Y-%m-%d"))"), "2026-03-01");
    EXPECT_EQ(text(R"(format_datetime("20261231", "%Y%m%d", "%d.%m.%Y"))"), "31.12.2026");
    EXPECT_EQ(text(R"(format_datetime("2026-12-31 17:30", "%Y-%m-%d %H:%M", "%FT%T"))"),
              "2026-12-31T17:30:00");
    EXPECT_EQ(text(R"(format_datetime(missing, "%d/%m/%Y", "%F"))"), "")
        << "nothing in, nothing out";
    EXPECT_EQ(text(R"(format_datetime("31/02/2026", "%d/%m/%Y", "%F"))"),
              "ERROR: '31/02/2026' does not match the date format '%d/%m/%Y'");
    EXPECT_EQ(text(R"(format_datetime("01/03/2026 trailing", "%d/%m/%Y", "%F"))"),
              "ERROR: '01/03/2026 trailing' does not match the date format '%d/%m/%Y'");
    EXPECT_EQ(text(R"(format_datetime("Łódź", "%d/%m/%Y", "%F"))"),
              "ERROR: 'Łódź' does not match the date format '%d/%m/%Y'");
}

TEST(DateFunctions, DateAddWorksInCalendarUnits) {
    EXPECT_EQ(text(R"(date_add("days", 14, "2026-11-22"))"), "2026-12-06");
    EXPECT_EQ(text(R"(date_add("day", -1, "2026-03-01"))"), "2026-02-28");
    EXPECT_EQ(text(R"(date_add("weeks", 2, "2026-12-25"))"), "2027-01-08");
    EXPECT_EQ(text(R"(date_add("months", 1, "2026-01-31"))"), "2026-02-28")
        << "the last day of a shorter month";
    EXPECT_EQ(text(R"(date_add("years", 1, "2028-02-29"))"), "2029-02-28");
    EXPECT_EQ(text(R"(date_add("hours", 36, "2026-11-22T13:05:00Z"))"), "2026-11-24T01:05:00Z");
    EXPECT_EQ(text(R"(date_add("days", 1, "2026-11-22T23:30:00+02:00"))"), "2026-11-23T21:30:00Z")
        << "in UTC";
    EXPECT_EQ(text(R"(date_add("days", 1, ""))"), "");
    EXPECT_EQ(text(R"(date_add("fortnights", 1, "2026-11-22"))"),
              "PARSE ERROR: date_add: argument 1 must be a unit (years, months, weeks, days, "
              "hours, minutes, seconds), not \"fortnights\"");
    EXPECT_EQ(text(R"(date_add("days", "x", "2026-11-22"))").substr(0, 65),
              "PARSE ERROR: date_add: argument 2 must be a whole number, not \"x\"")
        << "a literal of the wrong kind is a load error";
    EXPECT_EQ(text(R"(date_add("days", 1, bad))"),
              "ERROR: '2026-02-30' is not an ISO 8601 date (2026-12-01 or 2026-12-01T17:00:00Z)");
    EXPECT_EQ(text(R"(date_add("hours", 1, "2026-11-22"))"),
              "ERROR: '2026-11-22' has no time of day; add days, weeks, months or years to it");
}

TEST(DateFunctions, DateDiffCountsWholeUnitsFromTheFirstToTheSecond) {
    EXPECT_EQ(text(R"(date_diff("days", "2026-11-22", "2026-12-06"))"), "14");
    EXPECT_EQ(text(R"(date_diff("days", "2026-12-06", "2026-11-22"))"), "-14");
    EXPECT_EQ(text(R"(date_diff("months", "2026-01-15", "2026-02-14"))"), "0")
        << "not a whole month yet";
    EXPECT_EQ(text(R"(date_diff("months", "2026-01-31", "2026-02-28"))"), "1")
        << "as date_add counts a month";
    EXPECT_EQ(text(R"(date_diff("months", "2026-01-15", "2026-03-15"))"), "2");
    EXPECT_EQ(text(R"(date_diff("years", hired, "2031-02-28"))"), "4");
    EXPECT_EQ(text(R"(date_diff("hours", "2026-11-22T00:00:00+01:00", "2026-11-22T00:00:00Z"))"),
              "1");
    EXPECT_EQ(text(R"(date_diff("days", hired, today("UTC")))"), "266");
    EXPECT_EQ(text(R"(date_diff("days", "", "2026-11-22"))"), "");
    EXPECT_EQ(text(R"(date_diff("days", "yesterday", "2026-11-22"))"),
              "ERROR: 'yesterday' is not an ISO 8601 date (2026-12-01 or 2026-12-01T17:00:00Z)");
}

TEST(Dates, ParseDaysAndInstantsStrictly) {
    EXPECT_TRUE(parse_day("2026-12-01"));
    EXPECT_TRUE(parse_day("2026-12-01T00:00:00-08:00")) << "Workday sends dates with an offset";
    EXPECT_FALSE(parse_day("2026-13-01"));
    EXPECT_FALSE(parse_day("2026-1-1"));
    EXPECT_FALSE(parse_day("01.12.2026"));
    EXPECT_FALSE(parse_day(""));
    EXPECT_EQ(format_instant(*parse_instant("2026-12-01T17:00:00.250+05:30")),
              "2026-12-01T11:30:00Z");
    EXPECT_FALSE(parse_instant("2026-12-01T25:00:00Z"));
    EXPECT_FALSE(parse_instant("2026-12-01T17:00:00")) << "a time needs its offset";
    EXPECT_FALSE(parse_instant("2026-12-01T17:00:00+5"));
}

// format_day and format_instant write years 0-9999 themselves: the same text as date::format,
// every day of 1900-2100 and every 97th from year -2 to 10001, with a spread of seconds.
TEST(Dates, DaysAndInstantsAreWrittenAsDateFormatWritesThem) {
    const auto first = date::sys_days(date::year(-2) / 1 / 1);
    const auto last = date::sys_days(date::year(10001) / 12 / 31);
    const auto every_day_from = date::sys_days(date::year(1900) / 1 / 1);
    const auto every_day_to = date::sys_days(date::year(2100) / 12 / 31);
    size_t compared = 0;
    for (auto day = first; day <= last; ++compared) {
        ASSERT_EQ(format_day(date::year_month_day(day)), date::format("%F", day));
        const Instant instant = day + std::chrono::seconds(compared * 7919 % 86400);
        ASSERT_EQ(format_instant(instant), date::format("%FT%TZ", instant));
        day += date::days(day >= every_day_from && day <= every_day_to ? 1 : 97);
    }
    EXPECT_GT(compared, 100000U);
    EXPECT_EQ(format_day(date::year(2026) / 2 / 30), "2026-03-02")
        << "an invalid day is the day it counts to, as before";
    EXPECT_EQ(format_instant(date::sys_days(date::year(1) / 3 / 4) + std::chrono::seconds(86399)),
              "0001-03-04T23:59:59Z");
}

TEST(Dates, TheStartOfALocalDayFollowsTheZoneAndItsDaylightSaving) {
    const auto* berlin = find_time_zone("Europe/Berlin");
    const auto* los_angeles = find_time_zone("America/Los_Angeles");
    ASSERT_TRUE(berlin && los_angeles);
    EXPECT_EQ(format_instant(start_of_day(*parse_day("2026-12-01"), *berlin)),
              "2026-11-30T23:00:00Z");
    EXPECT_EQ(format_instant(start_of_day(*parse_day("2026-07-01"), *berlin)),
              "2026-06-30T22:00:00Z")
        << "summer time";
    EXPECT_EQ(format_instant(start_of_day(*parse_day("2026-12-01"), *los_angeles)),
              "2026-12-01T08:00:00Z");
    // Midnight does not exist on this day in Santiago: the day starts at 01:00 local.
    const auto* santiago = find_time_zone("America/Santiago");
    ASSERT_TRUE(santiago);
    EXPECT_EQ(format_instant(start_of_day(*parse_day("2026-09-06"), *santiago)),
              "2026-09-06T04:00:00Z");
    EXPECT_EQ(find_time_zone("Mars/Olympus_Mons"), nullptr);
    EXPECT_EQ(find_time_zone(""), nullptr);
}

TEST(DateFunctions, EachHasAnExample) {
    EXPECT_EQ(date_functions().size(), 5U);
    for (const auto& function : date_functions())
        EXPECT_FALSE(function.example.empty()) << function.name;
}

} // namespace
} // namespace hr2scim::mappings
