#pragma once
// What a mapping expression evaluates to: nothing (a missing or empty source value), text,
// a boolean, or a list (from a multi-valued attribute or split()).

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hr2scim::mappings {

using List = std::vector<std::string>;

struct Value {
    std::variant<std::monostate, std::string, bool, List> data;

    Value() = default;
    Value(std::string text) : data(std::move(text)) {}
    Value(const char* text) : data(std::string(text)) {}
    Value(bool flag) : data(flag) {}
    Value(List list) : data(std::move(list)) {}

    // Null, empty text and an empty list are all "no value".
    [[nodiscard]] bool is_empty() const;
    [[nodiscard]] bool is_list() const { return std::holds_alternative<List>(data); }
    [[nodiscard]] bool is_bool() const { return std::holds_alternative<bool>(data); }
    // Text as templates show it: a boolean as true/false, a list's values joined with ", ".
    [[nodiscard]] std::string text() const;
    // A list as is; text as a one-value list; nothing as an empty list.
    [[nodiscard]] List list() const;
    // Conditions: a boolean as is; otherwise true when there is a value.
    [[nodiscard]] bool truthy() const;
    bool operator==(const Value&) const = default;
};

// Text without the spaces around it (ASCII white space, as trim() in a mapping).
[[nodiscard]] std::string trimmed(std::string_view text);

} // namespace hr2scim::mappings
