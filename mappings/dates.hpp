#pragma once
// Dates and times for mappings and the lifecycle: ISO 8601 text in and out, IANA time zones
// from the system's tzdata (howardhinnant date/tz, the design that became C++20's <chrono>
// time zones, which g++ 12 does not have yet).

#include <chrono>
#include <date/date.h>
#include <date/tz.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hr2scim::mappings {

using Instant = std::chrono::sys_seconds;

// A function that cannot work with the value it was given ("'31/02/2026' is not a date in
// %d/%m/%Y"). Mapping turns it into a rejection of that one record, never a crash.
class EvaluationError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// "Europe/Berlin" → the zone, or nothing when tzdata does not know the name.
[[nodiscard]] const date::time_zone* find_time_zone(std::string_view name);

// A calendar day: "2026-12-01", or the date part of "2026-12-01T00:00:00-08:00".
[[nodiscard]] std::optional<date::year_month_day> parse_day(std::string_view text);

// An instant: "2026-12-01T17:00:00Z", "...+01:00", or a day (its midnight UTC).
[[nodiscard]] std::optional<Instant> parse_instant(std::string_view text);

[[nodiscard]] std::string format_day(date::year_month_day day);
[[nodiscard]] std::string format_instant(Instant instant); // "2026-12-01T17:00:00Z"

// The day it is in `zone` at `now`.
[[nodiscard]] date::year_month_day local_day(Instant now, const date::time_zone& zone);

// The first instant of `day` in `zone` (midnight, or the first minute after a DST gap).
[[nodiscard]] Instant start_of_day(date::year_month_day day, const date::time_zone& zone);

} // namespace hr2scim::mappings
