#include "mappings/mapper.hpp"

#include <algorithm>
#include <cctype>

#include "connectors/utf8.hpp"
#include "scim/body_path.hpp"
#include "scim/schema.hpp"

namespace hr2scim::mappings {
namespace {

using nlohmann::json;

// An email or phone entry with no value (only `primary`, say) says nothing: drop it.
void drop_valueless_elements(json& body) {
    for (const char* name : {"emails", "phoneNumbers"}) {
        auto list = body.find(name);
        if (list == body.end()) continue;
        json kept = json::array();
        for (auto& element : *list)
            if (element.contains("value")) kept.push_back(std::move(element));
        if (kept.empty()) {
            body.erase(list);
        } else {
            *list = std::move(kept);
        }
    }
}

} // namespace

std::optional<bool> parse_boolean(std::string_view text) {
    std::string lower(text);
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "true" || lower == "yes" || lower == "1") return true;
    if (lower == "false" || lower == "no" || lower == "0") return false;
    return std::nullopt;
}

tl::expected<scim::DesiredResource, std::string> map_record(const Mapping& mapping,
                                                            const connectors::Record& record) {
    json body = json::object();
    for (const auto& rule : mapping.rules) {
        std::string value = evaluate(*rule.value, record);
        if (value.empty()) continue; // an empty source value leaves the attribute out
        if (auto bad = connectors::find_invalid_utf8(value))
            return tl::unexpected(rule.target.to_string() + ": the value is not valid UTF-8 (byte " +
                                  std::to_string(*bad + 1) + "), perhaps a binary attribute");
        if (rule.type == ValueType::boolean) {
            auto flag = parse_boolean(value);
            if (!flag) return tl::unexpected(rule.target.to_string() + ": '" + value + "' is not true or false");
            scim::set_value(body, rule.target, *flag);
        } else {
            scim::set_value(body, rule.target, std::move(value));
        }
    }
    drop_valueless_elements(body);
    if (!body.contains("userName")) return tl::unexpected(std::string("userName is empty"));
    // Everyone in the source is active unless the mapping says otherwise.
    if (!body.contains("active")) body["active"] = true;
    json schemas = {scim::k_user_schema};
    if (body.contains(scim::k_enterprise_user_schema)) schemas.push_back(scim::k_enterprise_user_schema);
    body["schemas"] = std::move(schemas);
    return scim::DesiredResource{record.key, std::move(body), record.origin};
}

} // namespace hr2scim::mappings
