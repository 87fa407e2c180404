#include "state/timestamp.hpp"

#include <cstdio>

namespace hr2scim::state {

using namespace std::chrono;

std::string to_timestamp(sys_seconds instant) {
    const auto day = floor<days>(instant);
    const year_month_day date{day};
    const hh_mm_ss time{instant - day};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return text;
}

std::optional<sys_seconds> from_timestamp(std::string_view text) {
    int y = 0, h = 0, m = 0, s = 0;
    unsigned mo = 0, d = 0;
    // SQLite's strftime('%Y-%m-%dT%H:%M:%fZ') adds milliseconds; they are dropped.
    if (std::sscanf(std::string(text).c_str(), "%4d-%2u-%2uT%2d:%2d:%2d", &y, &mo, &d, &h, &m,
                    &s) != 6)
        return std::nullopt;
    const year_month_day date{year{y}, month{mo}, day{d}};
    if (!date.ok()) return std::nullopt;
    return sys_days(date) + hours(h) + minutes(m) + seconds(s);
}

} // namespace hr2scim::state
