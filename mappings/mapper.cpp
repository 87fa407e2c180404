#include "mappings/mapper.hpp"

#include "mappings/decisions.hpp"
#include "mappings/group_membership.hpp"
#include "mappings/rule_value.hpp"
#include "mappings/value.hpp"
#include "scim/body_path.hpp"
#include "scim/schema.hpp"
#include "scim/value_set.hpp"

#include <algorithm>
#include <cctype>

namespace hr2scim::mappings {
namespace {

using nlohmann::json;

// An email, phone or address entry with nothing but its type or `primary` says nothing: drop it.
void drop_valueless_elements(json& body) {
    for (const char* name : {"emails", "phoneNumbers", "addresses"}) {
        auto list = body.find(name);
        if (list == body.end()) continue;
        json kept = json::array();
        for (auto& element : *list) {
            bool has_value = std::ranges::any_of(element.items(), [](const auto& item) {
                return item.key() != "type" && item.key() != "primary";
            });
            if (has_value) kept.push_back(std::move(element));
        }
        if (kept.empty()) {
            body.erase(list);
        } else {
            *list = std::move(kept);
        }
    }
}

// A value in the JSON type its attribute takes, or why it cannot be.
tl::expected<json, std::string> to_json(const AttributeRule& rule, const Value& value) {
    auto scalar = scalar_of(rule, value);
    if (!scalar) return tl::unexpected(std::move(scalar.error()));
    if (const auto* flag = std::get_if<bool>(&*scalar)) return json(*flag);
    return json(std::move(std::get<std::string>(*scalar)));
}

// The rule's value, with its default when empty.
Value value_of(const AttributeRule& rule, const connectors::Record& record, Instant now,
               bool* default_used = nullptr) {
    Value value = evaluate(*rule.value, record, now);
    if (value.is_empty() && rule.default_value) {
        value = evaluate(*rule.default_value, record, now);
        if (default_used) *default_used = true;
    }
    return value;
}

// entitlements, roles: each trimmed item of the value becomes {"value": ..., "type": the rule's
// filter, "display": ..., "primary": ...} in the body's list; an empty item gives none, an item
// already there (the same value and type) is not added twice.
tl::expected<void, std::string> add_list_items(const AttributeRule& rule, const Value& value,
                                               const connectors::Record& record, Instant now,
                                               json& body) {
    std::vector<std::string> items;
    for (const auto& item : value.list()) {
        std::string text = trimmed(item);
        if (!text.empty() && std::ranges::find(items, text) == items.end())
            items.push_back(std::move(text));
    }
    if (rule.primary && items.size() > 1)
        return tl::unexpected(rule.target.to_string() +
                              ": primary: true, but the value is a list of " +
                              std::to_string(items.size()) + " values; only one can be primary");
    json& list = body[rule.target.attribute];
    if (!list.is_array()) list = json::array();
    for (auto& text : items) {
        auto converted = to_json(rule, Value(text));
        if (!converted) return tl::unexpected(converted.error());
        json element = {{"value", std::move(*converted)}};
        if (rule.target.filter) element["type"] = rule.target.filter->value;
        const bool seen = std::ranges::any_of(list, [&](const json& other) {
            return other.at("value") == element.at("value") &&
                   other.value("type", "") == element.value("type", "");
        });
        if (seen) continue;
        if (rule.display) {
            std::string display;
            try {
                display = trimmed(evaluate(*rule.display, record, now, Value(text)).text());
            } catch (const EvaluationError& error) {
                return tl::unexpected(rule.target.to_string() + ": display: " + error.what());
            }
            if (!display.empty()) element["display"] = std::move(display);
        }
        if (rule.primary) element["primary"] = true;
        list.push_back(std::move(element));
    }
    if (list.empty()) body.erase(rule.target.attribute);
    return {};
}

// entitlements and roles in one order whatever order the source lists them in (so a reordered
// source is no change, and the state's fingerprint stays the same), at most one primary.
tl::expected<void, std::string> settle_value_lists(json& body) {
    for (const char* name : {"entitlements", "roles"}) {
        auto list = body.find(name);
        if (list == body.end()) continue;
        scim::sort_value_set(*list);
        const auto primaries = std::ranges::count_if(
            *list, [](const json& item) { return item.value("primary", false); });
        if (primaries > 1)
            return tl::unexpected(std::string(name) + ": " + std::to_string(primaries) +
                                  " items are primary; at most one can be");
    }
    return {};
}

tl::expected<scim::DesiredResource, std::string>
build(const Mapping& mapping, const connectors::Record& record, Instant now) {
    scim::DesiredResource desired;
    desired.key = record.key;
    desired.body = json::object();
    desired.origin = record.origin;
    for (const auto& rule : mapping.rules) {
        if (rule.create_only)
            desired.edit_details().keep_as_sent.push_back(
                rule.target); // applied only when the user is created
        Value value;
        try {
            value = value_of(rule, record, now);
            if (rule.unique) {
                auto candidates = unique_candidates(rule, record, now);
                if (!candidates.empty()) value = Value(candidates.front());
                desired.edit_details().unique.push_back({rule.target, std::move(candidates)});
            }
        } catch (const EvaluationError& error) {
            return tl::unexpected(rule.target.to_string() + ": " + error.what());
        }
        if (value
                .is_empty()) { // an empty source value clears the attribute, or leaves the target's
            if (rule.leave_when_empty && !rule.create_only)
                desired.edit_details().keep_as_sent.push_back(rule.target);
            continue;
        }
        if (rule.type == ValueType::value_list) {
            auto added = add_list_items(rule, value, record, now, desired.body);
            if (!added) return tl::unexpected(added.error());
            continue;
        }
        auto converted = to_json(rule, value);
        if (!converted) return tl::unexpected(converted.error());
        if (rule.type == ValueType::manager_key) {
            desired.manager_key = converted->get<std::string>();
            continue;
        }
        scim::set_value(desired.body, rule.target, std::move(*converted));
    }
    json& body = desired.body;
    drop_valueless_elements(body);
    if (auto settled = settle_value_lists(body); !settled) return tl::unexpected(settled.error());
    if (!body.contains("userName")) return tl::unexpected(std::string("userName is empty"));
    // Everyone in the source is active unless the mapping says otherwise.
    if (!body.contains("active")) body["active"] = true;
    json schemas = {scim::k_user_schema};
    for (const auto& item : body.items())
        if (item.key().starts_with("urn:")) schemas.push_back(item.key());
    body["schemas"] = std::move(schemas);
    return desired;
}

} // namespace

std::vector<RuleOutcome> trace_record(const Mapping& mapping, const connectors::Record& record,
                                      Instant now) {
    std::vector<RuleOutcome> outcomes;
    for (const auto& rule : mapping.rules) {
        RuleOutcome outcome{rule.target.to_string(), rule.source_text, {}, {}};
        Value value;
        bool default_used = false;
        try {
            value = value_of(rule, record, now, &default_used);
            if (rule.unique) {
                auto candidates = unique_candidates(rule, record, now);
                std::string listed;
                for (const auto& candidate : candidates)
                    listed += (listed.empty() ? "" : ", ") + candidate;
                outcome.note = "unique: the first of " +
                               (listed.empty() ? std::string("(none)") : listed) +
                               " that is free on the target";
            }
        } catch (const EvaluationError& error) {
            outcomes.push_back({outcome.target,
                                outcome.rule,
                                {},
                                std::string("REJECTS THE RECORD: ") + error.what()});
            continue;
        }
        auto add_note = [&](const std::string& note) {
            outcome.note += (outcome.note.empty() ? "" : "; ") + note;
        };
        if (default_used) add_note("the value was empty: default used");
        if (value.is_empty()) {
            add_note(rule.leave_when_empty ? "empty: the target keeps its value"
                                           : "empty: the attribute is cleared");
        } else if (rule.type == ValueType::value_list) {
            add_note("a list: one item per value");
        } else if (auto converted = to_json(rule, value); !converted) {
            add_note("REJECTS THE RECORD: " + converted.error());
        }
        if (rule.type == ValueType::manager_key)
            add_note("a source key: sent as the manager's SCIM id");
        if (rule.create_only && !rule.unique) add_note("set on create only");
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

tl::expected<scim::DesiredResource, std::string>
map_record(const Mapping& mapping, const connectors::Record& record, Instant now) {
    auto desired = build(mapping, record, now);
    if (!desired) return desired;
    if (auto problem = decide(mapping, record, now, *desired)) return tl::unexpected(*problem);
    if (!mapping.groups.empty()) {
        auto groups = derive_groups(mapping, record, now);
        if (!groups) return tl::unexpected(groups.error());
        desired->groups = std::move(*groups);
    }
    return desired;
}

} // namespace hr2scim::mappings
