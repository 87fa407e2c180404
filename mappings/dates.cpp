#include "mappings/dates.hpp"

#include <charconv>

namespace hr2scim::mappings {
namespace {

// Digits at text[at, at+count) as a number, or nothing.
std::optional<int> digits(std::string_view text, size_t at, size_t count) {
    if (at + count > text.size()) return std::nullopt;
    int number = 0;
    for (size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        number = number * 10 + (text[i] - '0');
    }
    return number;
}

// Writes number as count digits at text[at, at+count), zero-padded.
void put_digits(std::string& text, size_t at, size_t count, int number) {
    for (size_t i = at + count; i > at; --i, number /= 10)
        text[i - 1] = static_cast<char>('0' + number % 10);
}

} // namespace

const date::time_zone* find_time_zone(std::string_view name) {
    if (name.empty()) return nullptr;
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::optional<date::year_month_day> parse_day(std::string_view text) {
    auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') return std::nullopt;
    date::year_month_day parsed{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                date::day{static_cast<unsigned>(*day)}};
    if (!parsed.ok()) return std::nullopt;
    return parsed;
}

std::optional<Instant> parse_instant(std::string_view text) {
    auto day = parse_day(text);
    if (!day) return std::nullopt;
    Instant instant{date::sys_days(*day)};
    if (text.size() == 10) return instant;
    // THH:MM[:SS[.fraction]] then Z or ±HH:MM
    auto hours = digits(text, 11, 2), minutes = digits(text, 14, 2);
    if (!hours || !minutes || text[13] != ':' || *hours > 23 || *minutes > 59) return std::nullopt;
    size_t at = 16;
    int seconds = 0;
    if (at < text.size() && text[at] == ':') {
        auto parsed_seconds = digits(text, at + 1, 2);
        if (!parsed_seconds || *parsed_seconds > 60) return std::nullopt;
        seconds = *parsed_seconds;
        at += 3;
        if (at < text.size() && text[at] == '.') {
            ++at;
            while (at < text.size() && text[at] >= '0' && text[at] <= '9')
                ++at;
        }
    }
    instant +=
        std::chrono::hours(*hours) + std::chrono::minutes(*minutes) + std::chrono::seconds(seconds);
    std::string_view zone = text.substr(at);
    if (zone == "Z") return instant;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':')
        return std::nullopt;
    auto offset_hours = digits(zone, 1, 2), offset_minutes = digits(zone, 4, 2);
    if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59)
        return std::nullopt;
    auto offset = std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
    return zone[0] == '+' ? instant - offset : instant + offset;
}

// Years 0 to 9999, the ones people have, are written digit by digit: date::format goes through
// an ostringstream and its locale, a tenth of mapping a person with a lifecycle. Other years
// (and invalid days) keep date::format's spelling.
std::string format_day(date::year_month_day day) {
    const int year = static_cast<int>(day.year());
    if (!day.ok() || year < 0 || year > 9999) return date::format("%F", date::sys_days(day));
    std::string text = "0000-00-00";
    put_digits(text, 0, 4, year);
    put_digits(text, 5, 2, static_cast<int>(static_cast<unsigned>(day.month())));
    put_digits(text, 8, 2, static_cast<int>(static_cast<unsigned>(day.day())));
    return text;
}

std::string format_instant(Instant instant) {
    const auto day = date::floor<date::days>(instant);
    const date::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    if (!ymd.ok() || year < 0 || year > 9999) return date::format("%FT%TZ", instant);
    std::string text = format_day(ymd) + "T00:00:00Z";
    const auto seconds = static_cast<int>((instant - day).count()); // 0 to 86,399
    put_digits(text, 11, 2, seconds / 3600);
    put_digits(text, 14, 2, seconds / 60 % 60);
    put_digits(text, 17, 2, seconds % 60);
    return text;
}

date::year_month_day local_day(Instant now, const date::time_zone& zone) {
    return date::year_month_day{date::floor<date::days>(zone.to_local(now))};
}

Instant start_of_day(date::year_month_day day, const date::time_zone& zone) {
    date::local_seconds midnight{date::local_days(day)};
    auto info = zone.get_info(midnight);
    if (info.result == date::local_info::nonexistent)
        return std::chrono::time_point_cast<std::chrono::seconds>(info.first.end);
    // Ambiguous midnights take the earlier one; the day has begun by then.
    return date::sys_seconds{midnight.time_since_epoch() - info.first.offset};
}

} // namespace hr2scim::mappings
