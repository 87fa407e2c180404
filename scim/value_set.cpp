#include "scim/value_set.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <vector>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

std::string text_member(const json& item, const char* name) {
    if (!item.is_object()) return {};
    auto found = item.find(name);
    return found != item.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool before(const json& a, const json& b) {
    return std::make_tuple(text_member(a, "value"), text_member(a, "type"), a.dump()) <
           std::make_tuple(text_member(b, "value"), text_member(b, "type"), b.dump());
}

} // namespace

bool is_value_set(std::string_view attribute) {
    auto named = [&](std::string_view name) {
        return std::ranges::equal(attribute, name, [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
        });
    };
    return named("entitlements") || named("roles");
}

void sort_value_set(json& items) {
    if (!items.is_array()) return;
    std::vector<json> sorted(items.begin(), items.end());
    std::stable_sort(sorted.begin(), sorted.end(), before);
    items = json(std::move(sorted));
}

bool same_value_set(const json& a, const json& b) {
    if (a == b) return true;
    if (!a.is_array() || !b.is_array() || a.size() != b.size()) return false;
    json sorted_a = a;
    json sorted_b = b;
    sort_value_set(sorted_a);
    sort_value_set(sorted_b);
    return sorted_a == sorted_b;
}

} // namespace hr2scim::scim
