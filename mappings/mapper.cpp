#include "mappings/mapper.hpp"

#include <algorithm>
#include <cctype>

#include "connectors/utf8.hpp"
#include "scim/body_path.hpp"
#include "mappings/value.hpp"
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

// A value in the JSON type its attribute takes, or why it cannot be.
tl::expected<json, std::string> to_json(const AttributeRule& rule, const Value& value) {
    const std::string path = rule.target.to_string();
    if (value.is_list() && value.list().size() > 1)
        return tl::unexpected(path + ": the value is a list of " + std::to_string(value.list().size()) +
                              " values; pick one, or join them with join()");
    if (rule.type == ValueType::boolean) {
        if (const auto* flag = std::get_if<bool>(&value.data)) return json(*flag);
        auto flag = parse_boolean(value.text());
        if (!flag) return tl::unexpected(path + ": '" + value.text() + "' is not true or false");
        return json(*flag);
    }
    std::string text = value.text();
    if (auto bad = connectors::find_invalid_utf8(text))
        return tl::unexpected(path + ": the value is not valid UTF-8 (byte " + std::to_string(*bad + 1) +
                              "), perhaps a binary attribute");
    return json(std::move(text));
}

} // namespace

std::vector<RuleOutcome> trace_record(const Mapping& mapping, const connectors::Record& record) {
    std::vector<RuleOutcome> outcomes;
    for (const auto& rule : mapping.rules) {
        RuleOutcome outcome{rule.target.to_string(), rule.source_text, {}, {}};
        Value value = evaluate(*rule.value, record);
        if (value.is_empty() && rule.default_value) {
            value = evaluate(*rule.default_value, record);
            outcome.note = "the value was empty: default used";
        }
        if (value.is_empty()) {
            outcome.note = rule.leave_when_empty ? "empty: the target keeps its value" : "empty: the attribute is cleared";
        } else if (auto converted = to_json(rule, value); !converted) {
            outcome.note = "REJECTS THE RECORD: " + converted.error();
        }
        if (rule.create_only) outcome.note += std::string(outcome.note.empty() ? "" : "; ") + "set on create only";
        outcome.value = value.is_empty() ? "" : value.text();
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

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
    std::vector<scim::AttributePath> keep_as_sent;
    for (const auto& rule : mapping.rules) {
        if (rule.create_only) keep_as_sent.push_back(rule.target); // applied only when the user is created
        Value value = evaluate(*rule.value, record);
        if (value.is_empty() && rule.default_value) value = evaluate(*rule.default_value, record);
        if (value.is_empty()) { // an empty source value clears the attribute, or leaves the target's
            if (rule.leave_when_empty && !rule.create_only) keep_as_sent.push_back(rule.target);
            continue;
        }
        auto converted = to_json(rule, value);
        if (!converted) return tl::unexpected(converted.error());
        scim::set_value(body, rule.target, std::move(*converted));
    }
    drop_valueless_elements(body);
    if (!body.contains("userName")) return tl::unexpected(std::string("userName is empty"));
    // Everyone in the source is active unless the mapping says otherwise.
    if (!body.contains("active")) body["active"] = true;
    json schemas = {scim::k_user_schema};
    if (body.contains(scim::k_enterprise_user_schema)) schemas.push_back(scim::k_enterprise_user_schema);
    body["schemas"] = std::move(schemas);
    return scim::DesiredResource{record.key, std::move(body), record.origin, std::move(keep_as_sent)};
}

} // namespace hr2scim::mappings
