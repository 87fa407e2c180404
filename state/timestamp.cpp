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

namespace {

// YYYY-MM-DDTHH:MM:SS as written by to_timestamp and SQLite, read without sscanf (the state's
// rows carry one each).
bool read_fixed(std::string_view text, int& y, unsigned& mo, unsigned& d, int& h, int& m, int& s) {
    constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
    if (text.size() < shape.size()) return false;
    for (size_t i = 0; i < shape.size(); ++i) {
        const bool digit = text[i] >= '0' && text[i] <= '9';
        if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return false;
    }
    auto number = [&](size_t at, size_t digits) {
        int value = 0;
        for (size_t i = at; i < at + digits; ++i)
            value = value * 10 + (text[i] - '0');
        return value;
    };
    y = number(0, 4);
    mo = static_cast<unsigned>(number(5, 2));
    d = static_cast<unsigned>(number(8, 2));
    h = number(11, 2);
    m = number(14, 2);
    s = number(17, 2);
    return true;
}

} // namespace

std::optional<sys_seconds> from_timestamp(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int y = 0, h = 0, m = 0, s = 0;
    unsigned mo = 0, d = 0;
    // SQLite's strftime('%Y-%m-%dT%H:%M:%fZ') adds milliseconds; they are dropped.
    if (!read_fixed(text, y, mo, d, h, m, s) &&
        std::sscanf(std::string(text).c_str(), "%4d-%2u-%2uT%2d:%2d:%2d", &y, &mo, &d, &h, &m,
                    &s) != 6)
        return std::nullopt;
    const year_month_day date{year{y}, month{mo}, day{d}};
    if (!date.ok()) return std::nullopt;
    return sys_days(date) + hours(h) + minutes(m) + seconds(s);
}

} // namespace hr2scim::state
