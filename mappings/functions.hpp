#pragma once
// The functions mapping expressions may call: pure functions of their arguments, nothing
// that reaches files, the network or the system clock (now and today get the run's
// instant). Each has an example in its help, and the README's table is tested against these.

#include "mappings/value.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::mappings {

struct Function {
    std::string_view name;
    size_t min_arguments;
    size_t max_arguments; // SIZE_MAX: any number
    std::string_view example;
    Value (*apply)(const std::vector<Value>& arguments); // may throw EvaluationError
    bool reads_clock; // now, today: the run's instant comes first in `arguments`
};

[[nodiscard]] std::span<const Function> functions();
[[nodiscard]] const Function* find_function(std::string_view name);

// Why a regular expression (RE2 syntax) is unusable, or nothing.
[[nodiscard]] std::optional<std::string> check_pattern(const std::string& pattern);

} // namespace hr2scim::mappings
