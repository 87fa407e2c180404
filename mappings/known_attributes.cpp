#include "mappings/known_attributes.hpp"

#include "scim/schema.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace hr2scim::mappings {
namespace {

using namespace std::string_view_literals;

constexpr std::array k_core_strings = {
    "userName"sv, "externalId"sv, "displayName"sv,       "nickName"sv, "profileUrl"sv,
    "title"sv,    "userType"sv,   "preferredLanguage"sv, "locale"sv,   "timezone"sv};
constexpr std::array k_name_parts = {"formatted"sv,  "familyName"sv,      "givenName"sv,
                                     "middleName"sv, "honorificPrefix"sv, "honorificSuffix"sv};
constexpr std::array k_enterprise = {"employeeNumber"sv, "costCenter"sv, "organization"sv,
                                     "division"sv, "department"sv};
// Canonical `type` values (RFC 7643 §4.1.2); strict servers reject others.
constexpr std::array k_email_types = {"work"sv, "home"sv, "other"sv};
constexpr std::array k_phone_types = {"work"sv, "home"sv,  "mobile"sv,
                                      "fax"sv,  "pager"sv, "other"sv};
constexpr std::array k_address_types = {"work"sv, "home"sv, "other"sv};
constexpr std::array k_address_parts = {"formatted"sv, "streetAddress"sv, "locality"sv,
                                        "region"sv,    "postalCode"sv,    "country"sv};

template <size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view item) {
    return std::ranges::find(list, item) != list.end();
}

template <size_t N> std::string listed(const std::array<std::string_view, N>& list) {
    std::string out;
    for (auto item : list)
        out += (out.empty() ? "" : ", ") + std::string(item);
    return out;
}

template <size_t N>
tl::expected<ValueType, std::string>
check_typed_multi_valued(const scim::AttributePath& path,
                         const std::array<std::string_view, N>& types) {
    const std::string example = path.attribute + "[type eq \"work\"].value";
    if (!path.filter || path.filter->attribute != "type")
        return tl::unexpected(path.attribute + " needs a type, for example " + example);
    if (!contains(types, path.filter->value))
        return tl::unexpected(path.attribute + " type '" + path.filter->value + "' is not one of " +
                              listed(types));
    if (path.sub_attribute == "value" || path.sub_attribute == "display") return ValueType::string;
    if (path.sub_attribute == "primary") return ValueType::boolean;
    return tl::unexpected(path.attribute + " takes .value, .display or .primary, for example " +
                          example);
}

tl::expected<ValueType, std::string> check_address(const scim::AttributePath& path) {
    const std::string example = "addresses[type eq \"work\"].locality";
    if (!path.filter || path.filter->attribute != "type")
        return tl::unexpected("addresses needs a type, for example " + example);
    if (!contains(k_address_types, path.filter->value))
        return tl::unexpected("addresses type '" + path.filter->value + "' is not one of " +
                              listed(k_address_types));
    if (path.sub_attribute == "primary") return ValueType::boolean;
    if (contains(k_address_parts, path.sub_attribute)) return ValueType::string;
    return tl::unexpected("addresses takes ." + listed(k_address_parts) +
                          " or .primary, for example " + std::string(example));
}

// entitlements, roles (RFC 7643 §4.1.2): a list of values, optionally of one type; their
// types are the target's own (a Salesforce profile, a permission set), not a fixed list.
tl::expected<ValueType, std::string> check_value_list(const scim::AttributePath& path) {
    const std::string example = path.attribute + ": '{split(" + path.attribute + ", \";\")}' or " +
                                path.attribute + "[type eq \"profile\"]: { column: profile_id }";
    if (path.filter && (path.filter->attribute != "type" || path.filter->value.empty()))
        return tl::unexpected(path.attribute +
                              " takes only a [type eq \"...\"] filter, for example " + example);
    if (!path.sub_attribute.empty() && path.sub_attribute != "value")
        return tl::unexpected(path.attribute + " is mapped as a list of values (" + example +
                              "); display and primary are keys of the rule, not ." +
                              path.sub_attribute);
    return ValueType::value_list;
}

tl::expected<ValueType, std::string> check_core(const scim::AttributePath& path) {
    if (path.attribute == "emails") return check_typed_multi_valued(path, k_email_types);
    if (path.attribute == "phoneNumbers") return check_typed_multi_valued(path, k_phone_types);
    if (path.attribute == "addresses") return check_address(path);
    if (path.attribute == "entitlements" || path.attribute == "roles")
        return check_value_list(path);
    if (path.filter)
        return tl::unexpected(std::string(
            "only emails, phoneNumbers, addresses, entitlements and roles take a [type eq ...] "
            "filter"));
    if (path.attribute == "name") {
        if (contains(k_name_parts, path.sub_attribute)) return ValueType::string;
        return tl::unexpected("name takes one of " + listed(k_name_parts));
    }
    if (!path.sub_attribute.empty())
        return tl::unexpected(path.attribute + " has no sub-attributes");
    if (path.attribute == "active") return ValueType::boolean;
    if (contains(k_core_strings, path.attribute)) return ValueType::string;
    return tl::unexpected(
        "'" + path.attribute + "' is not a User attribute that can be mapped (" +
        listed(k_core_strings) +
        ", active, name.*, emails, phoneNumbers, addresses, entitlements, roles, or " +
        std::string(scim::k_enterprise_user_schema) + ":" + listed(k_enterprise) + ")");
}

} // namespace

tl::expected<ValueType, std::string> check_target(const scim::AttributePath& path) {
    if (path.schema.empty() || path.schema == scim::k_user_schema) return check_core(path);
    if (path.schema == scim::k_enterprise_user_schema) {
        // The manager is named by the source key; planning turns it into {"value": <SCIM id>}.
        if (path.attribute == "manager" &&
            (path.sub_attribute.empty() || path.sub_attribute == "value") && !path.filter)
            return ValueType::manager_key;
        if (path.filter || !path.sub_attribute.empty() || !contains(k_enterprise, path.attribute))
            return tl::unexpected("the enterprise extension attributes that can be mapped are " +
                                  listed(k_enterprise) + ", manager");
        return ValueType::string;
    }
    // A custom extension (urn:...:User): its attributes are the target's business.
    if (path.filter)
        return tl::unexpected(
            std::string("attributes of a custom extension take no [type eq ...] filter"));
    return ValueType::string;
}

} // namespace hr2scim::mappings
