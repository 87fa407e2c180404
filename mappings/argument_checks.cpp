#include "mappings/argument_checks.hpp"

#include "mappings/dates.hpp"

#include <array>
#include <charconv>

namespace hr2scim::mappings {
namespace {

// n: a whole number; u: a date unit; t: any text. The last kind repeats for more arguments.
struct ArgumentKinds {
    std::string_view function;
    std::string_view kinds;
};

constexpr std::array k_kinds = {
    ArgumentKinds{"left", "tn"},       ArgumentKinds{"mid", "tnn"},
    ArgumentKinds{"substring", "tnn"}, ArgumentKinds{"word", "tnt"},
    ArgumentKinds{"hash", "tn"},       ArgumentKinds{"date_add", "unt"},
    ArgumentKinds{"date_diff", "utt"},
};

constexpr std::array<std::string_view, 7> k_units = {"years", "months",  "weeks",  "days",
                                                     "hours", "minutes", "seconds"};

std::optional<long> parse_whole(const std::string& text) {
    long number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return number;
}

char kind_of(const Function& function, size_t index) {
    for (const auto& entry : k_kinds) {
        if (entry.function != function.name) continue;
        return entry.kinds[std::min(index, entry.kinds.size() - 1)];
    }
    return 't';
}

std::string ordinal(size_t index) {
    return "argument " + std::to_string(index + 1);
}

} // namespace

std::optional<std::string> argument_count_problem(const Function& function, size_t count) {
    // switch(value, default, key1, value1, ...): keys and values come in pairs.
    if (function.name == "switch" && count % 2 != 0)
        return "switch takes a value, a default, then keys each followed by its value; the last "
               "key (argument " +
               std::to_string(count) + ") has no value; for example " +
               std::string(function.example);
    return std::nullopt;
}

std::optional<std::string> literal_argument_problem(const Function& function, size_t index,
                                                    const Value& literal) {
    const std::string text = literal.text();
    const std::string where = std::string(function.name) + ": " + ordinal(index);
    switch (kind_of(function, index)) {
    case 'n': {
        auto number = parse_whole(text);
        if (!number)
            return where + " must be a whole number, not \"" + text + "\"; for example " +
                   std::string(function.example);
        if (function.name == "hash" && (*number < 1 || *number > 16))
            return where + " must be from 1 to 16";
        return std::nullopt;
    }
    case 'u':
        for (auto unit : k_units) // "days" or "day"
            if (unit == text || unit.substr(0, unit.size() - 1) == text) return std::nullopt;
        return where +
               " must be a unit (years, months, weeks, days, hours, minutes, seconds), not \"" +
               text + "\"";
    default:
        return std::nullopt;
    }
}

long whole_number_argument(const char* function, size_t index, const Value& value) {
    auto number = parse_whole(value.text());
    if (!number)
        throw EvaluationError(std::string(function) + ": " + ordinal(index) + " is '" +
                              value.text() + "', not a whole number");
    return *number;
}

} // namespace hr2scim::mappings
