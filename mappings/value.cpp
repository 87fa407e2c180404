#include "mappings/value.hpp"

namespace hr2scim::mappings {

bool Value::is_empty() const {
    if (std::holds_alternative<std::monostate>(data)) return true;
    if (const auto* text_value = std::get_if<std::string>(&data)) return text_value->empty();
    if (const auto* list_value = std::get_if<List>(&data)) return list_value->empty();
    return false;
}

std::string Value::text() const {
    if (const auto* text_value = std::get_if<std::string>(&data)) return *text_value;
    if (const auto* flag = std::get_if<bool>(&data)) return *flag ? "true" : "false";
    if (const auto* list_value = std::get_if<List>(&data)) {
        std::string joined;
        for (const auto& item : *list_value)
            joined += (joined.empty() ? "" : ", ") + item;
        return joined;
    }
    return {};
}

List Value::list() const {
    if (const auto* list_value = std::get_if<List>(&data)) return *list_value;
    if (is_empty()) return {};
    return {text()};
}

bool Value::truthy() const {
    if (const auto* flag = std::get_if<bool>(&data)) return *flag;
    return !is_empty();
}

std::string trimmed(std::string_view text) {
    constexpr std::string_view k_spaces = " \t\r\n\v\f";
    const auto first = text.find_first_not_of(k_spaces);
    if (first == std::string_view::npos) return {};
    return std::string(text.substr(first, text.find_last_not_of(k_spaces) - first + 1));
}

} // namespace hr2scim::mappings
