#include "apply/identity.hpp"

#include "scim/body_path.hpp"
#include "state/source_key.hpp"

#include <algorithm>
#include <cctype>

namespace hr2scim::apply {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::ranges::equal(a, b, [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

} // namespace

std::optional<std::string> usable_id(const nlohmann::json& resource) {
    if (!resource.is_object()) return std::nullopt;
    auto id = resource.find("id");
    if (id == resource.end()) return std::nullopt;
    if (id->is_number_unsigned() || id->is_number_integer()) return id->dump();
    if (!id->is_string()) return std::nullopt;
    const auto& text = id->get_ref<const std::string&>();
    if (text.empty() || text.size() > 1024) return std::nullopt;
    if (std::ranges::any_of(text, [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        return std::nullopt;
    return text;
}

bool holds_value(const nlohmann::json& resource, std::string_view attribute,
                 std::string_view value) {
    if (!resource.is_object()) return false;
    auto held = resource.find(std::string(attribute));
    if (held == resource.end() || !held->is_string()) return false;
    const auto& text = held->get_ref<const std::string&>();
    return attribute == "userName" ? equal_ignoring_case(text, value) : text == value;
}

bool holds_at(const nlohmann::json& resource, const scim::AttributePath& path,
              const std::string& value) {
    if (path.sub_attribute.empty() && path.schema.empty())
        return holds_value(resource, path.attribute, value);
    const nlohmann::json* held = scim::value_at(resource, path);
    return held && held->is_string() && held->get<std::string>() == value;
}

bool AccountOwners::same_key(std::string_view a, std::string_view b) const {
    return id_of(a) == id_of(b);
}

std::string AccountOwners::id_of(std::string_view key) const {
    return state::identity_key(key, m_case_sensitive);
}

std::optional<std::string> AccountOwners::adoption_problem(const nlohmann::json& resource,
                                                           const std::string& id,
                                                           const std::string& key) const {
    if (auto owner = m_key_by_id.find(id);
        owner != m_key_by_id.end() && !same_key(owner->second, key))
        return "the account " + id + " is " + owner->second +
               "'s (in the state); not taken over for " + key + ". If " + key + " is " +
               owner->second +
               " re-hired under a new key, check, then run `hr2scim sync "
               "--hand-over " +
               owner->second + "=" + key + "` to hand the account over";
    if (auto external = resource.find("externalId");
        external != resource.end() && external->is_string() &&
        !external->get_ref<const std::string&>().empty() &&
        !same_key(external->get_ref<const std::string&>(), key))
        return "the account " + id + " has externalId " + external->get_ref<const std::string&>() +
               ", another person's key; not taken over for " + key;
    return std::nullopt;
}

} // namespace hr2scim::apply
