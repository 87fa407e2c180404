#include "mappings/date_functions.hpp"

#include "mappings/dates.hpp"

#include <array>
#include <charconv>
#include <sstream>

namespace hr2scim::mappings {
namespace {

using Arguments = std::vector<Value>;
using namespace std::chrono;

enum class Unit { years, months, weeks, days, hours, minutes, seconds };

Unit unit_of(const Value& value) {
    std::string name = value.text();
    if (!name.empty() && name.back() == 's') name.pop_back();
    if (name == "year") return Unit::years;
    if (name == "month") return Unit::months;
    if (name == "week") return Unit::weeks;
    if (name == "day") return Unit::days;
    if (name == "hour") return Unit::hours;
    if (name == "minute") return Unit::minutes;
    if (name == "second") return Unit::seconds;
    throw EvaluationError("'" + value.text() +
                          "' is not a unit (years, months, weeks, days, hours, minutes, seconds)");
}

long long whole_number(const Value& value) {
    std::string text = value.text();
    long long number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        number > 1'000'000 || number < -1'000'000)
        throw EvaluationError("'" + text + "' is not a whole number");
    return number;
}

Instant instant_of(const std::string& text) {
    auto instant = parse_instant(text);
    if (!instant)
        throw EvaluationError("'" + text +
                              "' is not an ISO 8601 date (2026-12-01 or 2026-12-01T17:00:00Z)");
    return *instant;
}

// Calendar months added to a day; the 31st plus a month is the last day of a shorter month.
date::year_month_day add_months(date::year_month_day day, long long months) {
    date::year_month_day moved = day + date::months(months);
    if (moved.ok()) return moved;
    return date::year_month_day_last{moved.year(), date::month_day_last{moved.month()}};
}

Value date_add(const Arguments& a) {
    if (a[2].is_empty()) return {};
    const Unit unit = unit_of(a[0]);
    const long long amount = whole_number(a[1]);
    const std::string text = a[2].text();
    const bool day_only = text.size() == 10;
    Instant instant = instant_of(text);
    if (day_only && unit >= Unit::hours)
        throw EvaluationError("'" + text +
                              "' has no time of day; add days, weeks, months or years to it");
    auto day = date::year_month_day{floor<date::days>(instant)};
    auto time_of_day = instant - floor<date::days>(instant);
    switch (unit) {
    case Unit::years:
        day = add_months(day, amount * 12);
        break;
    case Unit::months:
        day = add_months(day, amount);
        break;
    case Unit::weeks:
        day = date::sys_days(day) + date::days(amount * 7);
        break;
    case Unit::days:
        day = date::sys_days(day) + date::days(amount);
        break;
    case Unit::hours:
        instant += hours(amount);
        break;
    case Unit::minutes:
        instant += minutes(amount);
        break;
    case Unit::seconds:
        instant += seconds(amount);
        break;
    }
    if (unit < Unit::hours) instant = Instant{date::sys_days(day)} + time_of_day;
    return Value(day_only ? format_day(day) : format_instant(instant));
}

// Whole calendar months from `from` to `to`, counted towards zero.
long long months_between(Instant from, Instant to) {
    if (to < from) return -months_between(to, from);
    auto first = date::year_month_day{floor<date::days>(from)};
    auto last = date::year_month_day{floor<date::days>(to)};
    long long months =
        (int(last.year()) - int(first.year())) * 12LL +
        (static_cast<int>(unsigned(last.month())) - static_cast<int>(unsigned(first.month())));
    if (months > 0 &&
        Instant{date::sys_days(add_months(first, months))} + (from - floor<date::days>(from)) > to)
        --months;
    return months;
}

Value date_diff(const Arguments& a) {
    if (a[1].is_empty() || a[2].is_empty()) return {};
    const Unit unit = unit_of(a[0]);
    const Instant from = instant_of(a[1].text()), to = instant_of(a[2].text());
    const auto elapsed = to - from;
    long long result = 0;
    switch (unit) {
    case Unit::years:
        result = months_between(from, to) / 12;
        break;
    case Unit::months:
        result = months_between(from, to);
        break;
    case Unit::weeks:
        result = duration_cast<date::weeks>(elapsed).count();
        break;
    case Unit::days:
        result = duration_cast<date::days>(elapsed).count();
        break;
    case Unit::hours:
        result = duration_cast<hours>(elapsed).count();
        break;
    case Unit::minutes:
        result = duration_cast<minutes>(elapsed).count();
        break;
    case Unit::seconds:
        result = elapsed.count();
        break;
    }
    return Value(std::to_string(result));
}

Value format_datetime(const Arguments& a) {
    if (a[0].is_empty()) return {};
    const std::string text = a[0].text(), input_format = a[1].text(), output_format = a[2].text();
    std::istringstream in(text);
    date::local_seconds parsed{};
    in >> date::parse(input_format, parsed);
    if (in.fail() || in.peek() != std::char_traits<char>::eof())
        throw EvaluationError("'" + text + "' does not match the date format '" + input_format +
                              "'");
    try {
        return Value(date::format(output_format, parsed));
    } catch (const std::exception& error) {
        throw EvaluationError("the date format '" + output_format +
                              "' cannot be used: " + error.what());
    }
}

const date::time_zone& zone_of(const Value& name) {
    const auto* zone = find_time_zone(name.text());
    if (!zone)
        throw EvaluationError("'" + name.text() +
                              "' is not a time zone (for example Europe/Berlin, UTC)");
    return *zone;
}

// a[0] is the run's clock, put there by the evaluator.
Value now(const Arguments& a) {
    const auto& zone = zone_of(a[1]);
    return Value(date::format("%FT%T%Ez", date::zoned_seconds(&zone, instant_of(a[0].text()))));
}

Value today(const Arguments& a) {
    return Value(format_day(local_day(instant_of(a[0].text()), zone_of(a[1]))));
}

constexpr std::array k_date_functions = {
    Function{"format_datetime", 3, 3,
             R"(format_datetime("31/12/2026", "%d/%m/%Y", "%Y-%m-%d") is "2026-12-31")",
             format_datetime, false},
    Function{"date_add", 3, 3, R"(date_add("days", 14, "2026-11-22") is "2026-12-06")", date_add,
             false},
    Function{"date_diff", 3, 3, R"(date_diff("days", "2026-11-22", "2026-12-06") is "14")",
             date_diff, false},
    Function{"now", 1, 1, R"(now("Europe/Berlin") is "2026-11-22T14:05:00+01:00" at 13:05 UTC)",
             now, true},
    Function{"today", 1, 1, R"(today("America/New_York") is "2026-11-22" at 13:05 UTC)", today,
             true},
};

} // namespace

std::span<const Function> date_functions() {
    return k_date_functions;
}

} // namespace hr2scim::mappings
