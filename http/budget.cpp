#include "http/budget.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace hr2scim::http {
namespace {

constexpr std::string_view k_forms = "a number of requests per unit, e.g. 180/min, 1000/h, 5/s";

std::optional<std::chrono::seconds> window_named(std::string_view unit) {
    static constexpr std::array<std::pair<std::string_view, long>, 9> units{{
        {"s", 1},
        {"sec", 1},
        {"second", 1},
        {"min", 60},
        {"minute", 60},
        {"m", 60},
        {"h", 3600},
        {"hr", 3600},
        {"hour", 3600},
    }};
    for (const auto& [name, seconds] : units)
        if (name == unit) return std::chrono::seconds(seconds);
    return std::nullopt;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    return text;
}

} // namespace

std::string Rate::text() const {
    std::string unit = window.count() == 3600 ? "h" : window.count() == 60 ? "min" : "s";
    std::string count = std::to_string(requests);
    if (requests == std::floor(requests)) {
        count = std::to_string(static_cast<long long>(requests));
    } else {
        count.erase(count.find_last_not_of('0') + 1);
    }
    if (window.count() != 1 && window.count() != 60 && window.count() != 3600)
        return count + "/" + std::to_string(window.count()) + "s";
    return count + "/" + unit;
}

tl::expected<Rate, std::string> parse_rate(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return tl::unexpected("\"" + std::string(text) + "\" is not a rate: write " +
                              std::string(k_forms));
    const auto count = trimmed(text.substr(0, slash));
    const auto unit = trimmed(text.substr(slash + 1));
    double requests = 0;
    const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), requests);
    if (error != std::errc{} || end != count.data() + count.size() || !(requests > 0) ||
        requests > 1e9)
        return tl::unexpected("\"" + std::string(text) + "\": the number of requests must be a " +
                              "positive number; write " + std::string(k_forms));
    const auto window = window_named(unit);
    if (!window)
        return tl::unexpected("\"" + std::string(text) + "\": unknown unit \"" + std::string(unit) +
                              "\" (s, min or h); write " + std::string(k_forms));
    return Rate{requests, *window};
}

std::optional<double> Budget::writes_per_second() const {
    std::optional<double> pace;
    if (writes) pace = writes->per_second();
    if (requests_per_second > 0)
        pace = pace ? std::min(*pace, requests_per_second) : requests_per_second;
    return pace;
}

} // namespace hr2scim::http
