#pragma once
// The functions mapping expressions may call: pure string functions, nothing that reaches
// files, the network or the clock.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::mappings {

struct Function {
    std::string_view name;
    size_t min_arguments;
    size_t max_arguments;
    std::string_view help;
    std::string (*apply)(const std::vector<std::string>& arguments);
};

[[nodiscard]] std::span<const Function> functions();
[[nodiscard]] const Function* find_function(std::string_view name);

} // namespace hr2scim::mappings
