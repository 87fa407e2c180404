#include "mappings/mapping.hpp"

#include "mappings/expression_parser.hpp"
#include "mappings/group_rules.hpp"
#include "mappings/mapper.hpp"
#include "mappings/mapping_text.hpp"
#include "mappings/preset_mappings.hpp"
#include "mappings/text_file.hpp"
#include "mappings/yaml_errors.hpp"
#include "mappings/yaml_limits.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace hr2scim::mappings {
namespace {

// Mapping files larger than this are refused (the config's limit, agent/config.hpp).
constexpr size_t k_max_mapping_bytes = size_t{16} << 20;

class Loader : private MappingText {
  public:
    explicit Loader(std::filesystem::path label) : MappingText(std::move(label)) {}

    Mapping load(const std::string& text) {
        YAML::Node root;
        try {
            root = YAML::Load(text);
        } catch (const YAML::Exception& error) {
            throw MappingError(where(error.mark) + yaml_parse_error(error, text));
        }
        if (auto problem = check_yaml_tree(root))
            throw MappingError(where(problem->mark) + problem->message);
        if (!root.IsMap())
            throw MappingError(m_label.string() + ": expected a map with an `attributes:` key");
        Mapping mapping{m_label, {}, {}, {}, {}};
        for (const auto& item : root) {
            const std::string& name = item.first.Scalar();
            if (name == "attributes") {
                load_attributes(item.second, mapping);
            } else if (name == "scope") {
                load_scope(item.second, mapping.scope);
            } else if (name == "lifecycle") {
                load_lifecycle(item.second, mapping.lifecycle);
            } else if (name == "groups") {
                mapping.groups = load_group_rules(item.second, *this);
            } else {
                throw MappingError(where(item.first.Mark()) + "unknown key '" + name +
                                   "' (expected: attributes, scope, lifecycle, groups)");
            }
        }
        if (mapping.rules.empty())
            throw MappingError(m_label.string() + ": `attributes:` maps nothing");
        if (mapping.scope.out_of_scope == OutOfScope::remove &&
            !mapping.lifecycle.delete_after_days)
            throw MappingError(m_label.string() + ": scope.out_of_scope: remove needs "
                                                  "lifecycle.delete_after_days (the grace period)");
        return mapping;
    }

  private:
    // Each entry of a section as (key node, scalar value node); nothing but scalars is allowed.
    template <class Handle>
    void for_each_setting(const YAML::Node& section, const char* name, Handle handle) {
        if (!section.IsMap())
            throw MappingError(where(section.Mark()) + "`" + name + ":` must be a map");
        for (const auto& item : section) {
            const YAML::Node key = item.first;
            const YAML::Node value = item.second;
            if (!value.IsScalar())
                throw MappingError(where(value.Mark()) + "'" + key.Scalar() +
                                   "' takes a single value");
            handle(key, value);
        }
    }

    int days(const YAML::Node& value, int most) {
        const std::string& text = value.Scalar();
        int number = -1;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
            number < 0 || number > most)
            throw MappingError(where(value.Mark()) + "'" + text +
                               "' is not a number of days from 0 to " + std::to_string(most));
        return number;
    }

    void load_scope(const YAML::Node& section, Scope& scope) {
        for_each_setting(section, "scope", [&](const YAML::Node& key, const YAML::Node& value) {
            const std::string& name = key.Scalar();
            if (name == "include") {
                scope.include = condition(value);
                scope.include_text = value.Scalar();
            } else if (name == "exclude") {
                scope.exclude = condition(value);
                scope.exclude_text = value.Scalar();
            } else if (name == "out_of_scope") {
                const std::string& action = value.Scalar();
                if (action == "deactivate")
                    scope.out_of_scope = OutOfScope::deactivate;
                else if (action == "remove")
                    scope.out_of_scope = OutOfScope::remove;
                else if (action == "leave")
                    scope.out_of_scope = OutOfScope::leave;
                else
                    throw MappingError(where(value.Mark()) +
                                       "out_of_scope takes deactivate, remove or leave");
            } else {
                throw MappingError(where(key.Mark()) + "unknown key '" + name +
                                   "' in scope (expected: include, exclude, out_of_scope)");
            }
        });
    }

    void load_lifecycle(const YAML::Node& section, Lifecycle& lifecycle) {
        for_each_setting(section, "lifecycle", [&](const YAML::Node& key, const YAML::Node& value) {
            const std::string& name = key.Scalar();
            const std::string& text = value.Scalar();
            if (name == "time_zone") {
                lifecycle.time_zone = find_time_zone(text);
                if (!lifecycle.time_zone)
                    throw MappingError(
                        where(value.Mark()) + "'" + text +
                        "' is not a time zone (for example Europe/Berlin, America/New_York, UTC)");
            } else if (name == "person_time_zone") {
                lifecycle.person_time_zone = parse(text, position_of(value));
            } else if (name == "hire_date") {
                lifecycle.hire_date = parse(text, position_of(value));
            } else if (name == "termination_date") {
                lifecycle.termination_date = parse(text, position_of(value));
            } else if (name == "create_days_before") {
                lifecycle.create_days_before = days(value, 366);
            } else if (name == "delete_after_days") {
                if (text != "never") lifecycle.delete_after_days = days(value, 3650);
            } else {
                throw MappingError(
                    where(key.Mark()) + "unknown key '" + name +
                    "' in lifecycle (expected: time_zone, person_time_zone, hire_date, "
                    "create_days_before, termination_date, delete_after_days)");
            }
        });
        if (!lifecycle.time_zone)
            throw MappingError(
                where(section.Mark()) +
                "lifecycle needs time_zone: the zone whose end of day ends a last working day");
    }

    void load_attributes(const YAML::Node& attributes, Mapping& mapping) {
        if (!attributes.IsMap())
            throw MappingError(where(attributes.Mark()) + "`attributes:` must be a map");
        std::set<std::string> seen;
        for (const auto& item : attributes) {
            AttributeRule rule = load_rule(item.first, item.second);
            if (!seen.insert(rule.target.to_string()).second)
                throw MappingError(where(item.first.Mark()) + "'" + rule.target.to_string() +
                                   "' is mapped twice");
            mapping.rules.push_back(std::move(rule));
        }
        bool has_user_name = std::ranges::any_of(mapping.rules, [](const auto& rule) {
            return rule.target.attribute == "userName" && rule.target.schema.empty();
        });
        if (!has_user_name)
            throw MappingError(where(attributes.Mark()) + "userName must be mapped");
    }

    AttributeRule load_rule(const YAML::Node& key, const YAML::Node& value) {
        AttributeRule rule;
        rule.position = position_of(key);
        auto path = scim::parse_attribute_path(key.Scalar());
        if (!path)
            throw MappingError(where(key.Mark()) + "'" + key.Scalar() + "': " + path.error());
        auto type = check_target(*path);
        if (!type) throw MappingError(where(key.Mark()) + type.error());
        rule.target = std::move(*path);
        rule.type = *type;
        // entitlements.value is the list itself: one spelling, so that "mapped twice" sees it.
        if (rule.type == ValueType::value_list) rule.target.sub_attribute.clear();
        if (value.IsScalar()) {
            rule.source_text = value.Scalar();
            rule.value = parse(value.Scalar(), position_of(value));
        } else if (value.IsMap()) {
            load_rule_map(value, rule);
        } else {
            throw MappingError(where(value.Mark()) +
                               "expected a template, or a map with column, value or template");
        }
        check_unique(rule, key);
        return rule;
    }

    void load_rule_map(const YAML::Node& map, AttributeRule& rule) {
        bool has_value = false;
        for (const auto& item : map) {
            const YAML::Node key = item.first;
            const YAML::Node operand = item.second;
            const std::string& name = key.Scalar();
            if (!operand.IsScalar())
                throw MappingError(where(operand.Mark()) + "'" + name + "' takes a single value");
            const std::string& text = operand.Scalar();
            if (name == "column" || name == "value" || name == "template" || name == "expr") {
                if (has_value)
                    throw MappingError(where(key.Mark()) +
                                       "give one of column, value, template or expr");
                has_value = true;
                load_value(name, text, operand, rule);
            } else if (name == "default") {
                rule.default_value = parse(text, position_of(operand));
            } else if (rule.type == ValueType::value_list) {
                load_value_list_key(key, operand, rule);
            } else if (name == "apply") {
                if (text != "always" && text != "on_create")
                    throw MappingError(where(operand.Mark()) + "apply takes always or on_create");
                rule.create_only = text == "on_create";
            } else if (name == "when_empty") {
                if (text != "clear" && text != "leave")
                    throw MappingError(where(operand.Mark()) + "when_empty takes clear or leave");
                rule.leave_when_empty = text == "leave";
            } else {
                throw MappingError(
                    where(key.Mark()) + "unknown key '" + name +
                    "' (expected: column, value, template or expr; apply, default, when_empty)");
            }
        }
        if (!has_value)
            throw MappingError(where(map.Mark()) + "give one of column, value, template or expr");
    }

    // The keys of an entitlements or roles rule besides its value and default. Such a rule owns
    // the whole list with the other rules of its attribute, so it is applied always and an empty
    // value clears its items: apply and when_empty are refused rather than half kept.
    void load_value_list_key(const YAML::Node& key, const YAML::Node& operand,
                             AttributeRule& rule) {
        const std::string& name = key.Scalar();
        const std::string& text = operand.Scalar();
        const std::string attribute = rule.target.attribute;
        if (name == "display") {
            rule.display = parse(text, position_of(operand));
            rule.display_text = text;
        } else if (name == "primary") {
            auto flag = parse_boolean(text);
            if (!flag)
                throw MappingError(where(operand.Mark()) + "'" + text + "' is not true or false");
            rule.primary = *flag;
        } else if (name == "apply" || name == "when_empty") {
            throw MappingError(where(key.Mark()) + attribute +
                               " are a set the mapping owns: always applied, and an empty value "
                               "gives no " +
                               attribute + "; " + name + " is not supported here");
        } else {
            throw MappingError(where(key.Mark()) + "unknown key '" + name +
                               "' (expected: column, value, template or expr; default, display, "
                               "primary)");
        }
    }

    // unique(...) is a whole rule of a text attribute, never part of one: its candidates are
    // tried on the target when the user is created.
    void check_unique(AttributeRule& rule, const YAML::Node& key) {
        std::vector<std::pair<std::string, Position>> calls;
        collect_function_calls(*rule.value, calls);
        const bool whole = unique_call(*rule.value) != nullptr;
        for (const auto& call : calls) {
            if (call.first != "unique" || whole) continue;
            throw MappingError(
                m_label.string() + ":" + std::to_string(call.second.line) + ":" +
                std::to_string(call.second.column) +
                ": unique(...) must be the whole rule, e.g. userName: \"{unique(a, b)}\"");
        }
        if (!whole) return;
        if (rule.type != ValueType::string)
            throw MappingError(where(key.Mark()) + "unique(...) only picks text values");
        if (rule.default_value)
            throw MappingError(where(key.Mark()) + "unique(...) takes no default: add a candidate");
        rule.unique = true;
        rule.create_only = true;
    }

    void load_value(const std::string& kind, const std::string& text, const YAML::Node& operand,
                    AttributeRule& rule) {
        if (kind == "column") {
            if (text.empty()) throw MappingError(where(operand.Mark()) + "column needs a name");
            rule.value = std::make_shared<const Expression>(
                Expression{AttributeRef{text}, position_of(operand)});
            rule.source_text = "column " + text;
        } else if (kind == "value") {
            rule.value = std::make_shared<const Expression>(
                Expression{Literal{Value(text)}, position_of(operand)});
            rule.source_text = "value " + text;
            if (rule.type == ValueType::boolean && !parse_boolean(text))
                throw MappingError(where(operand.Mark()) + "'" + text + "' is not true or false");
        } else if (kind == "expr") {
            auto parsed = parse_expression(text, position_of(operand));
            if (!parsed) throw error_at(parsed.error());
            rule.value = *parsed;
            rule.source_text = text;
        } else {
            rule.value = parse(text, position_of(operand));
            rule.source_text = text;
        }
    }
};

} // namespace

Mapping parse_mapping(const std::string& yaml_text, const std::filesystem::path& label) {
    return Loader(label).load(yaml_text);
}

Mapping load_mapping(const std::filesystem::path& file) {
    auto text = read_mapping_text(file, k_max_mapping_bytes);
    if (!text) throw MappingError(text.error());
    return parse_mapping(*text, file);
}

std::vector<scim::AttributePath> targets_reading(const Mapping& mapping, std::string_view prefix) {
    std::vector<scim::AttributePath> targets;
    for (const auto& rule : mapping.rules) {
        std::vector<std::pair<std::string, Position>> refs;
        collect_attribute_refs(*rule.value, refs);
        if (rule.default_value) collect_attribute_refs(*rule.default_value, refs);
        if (rule.display) collect_attribute_refs(*rule.display, refs);
        if (std::ranges::any_of(refs,
                                [&](const auto& ref) { return ref.first.starts_with(prefix); }))
            targets.push_back(rule.target);
    }
    return targets;
}

namespace {

// Every expression outside the attribute rules: scope conditions and lifecycle dates.
std::vector<const Expression*> decision_expressions(const Mapping& mapping) {
    std::vector<const Expression*> found;
    for (const auto& expression :
         {mapping.scope.include, mapping.scope.exclude, mapping.lifecycle.person_time_zone,
          mapping.lifecycle.hire_date, mapping.lifecycle.termination_date})
        if (expression) found.push_back(expression.get());
    return found;
}

} // namespace

bool decisions_read(const Mapping& mapping, std::string_view prefix) {
    std::vector<std::pair<std::string, Position>> refs;
    for (const auto* expression : decision_expressions(mapping))
        collect_attribute_refs(*expression, refs);
    return std::ranges::any_of(refs,
                               [&](const auto& ref) { return ref.first.starts_with(prefix); });
}

std::vector<std::string>
check_source_attributes(const Mapping& mapping, const std::vector<std::string>& names,
                        const std::vector<std::string>& unchecked_prefixes) {
    std::set<std::string_view, connectors::CaseInsensitiveLess> known(names.begin(), names.end());
    std::vector<std::string> errors;
    std::vector<const Expression*> expressions = decision_expressions(mapping);
    for (const auto& rule : mapping.rules) {
        expressions.push_back(rule.value.get());
        if (rule.default_value) expressions.push_back(rule.default_value.get());
    }
    std::vector<std::pair<std::string, Position>> refs;
    for (const auto* expression : expressions)
        collect_attribute_refs(*expression, refs);
    for (const auto& rule : mapping.rules) {
        if (!rule.display) continue;
        std::vector<std::pair<std::string, Position>> display_refs;
        collect_attribute_refs(*rule.display, display_refs);
        // `each` is the item's value, not a source attribute
        std::erase_if(display_refs, [](const auto& ref) { return ref.first == k_each; });
        std::ranges::move(display_refs, std::back_inserter(refs));
    }
    for (const auto& group : mapping.groups) {
        std::vector<std::pair<std::string, Position>> group_refs;
        for (const auto& expression :
             {group.for_each, group.display_name, group.external_id, group.members})
            if (expression) collect_attribute_refs(*expression, group_refs);
        for (const auto& attribute : group.attributes)
            collect_attribute_refs(*attribute.value, group_refs);
        if (group.for_each) // `each` is the value for_each gave, not a source attribute
            std::erase_if(group_refs, [](const auto& ref) { return ref.first == k_each; });
        std::ranges::move(group_refs, std::back_inserter(refs));
    }
    for (const auto& ref : refs) {
        // Named, not a structured binding: clang 14 (the fuzz build) cannot capture those.
        const std::string& name = ref.first;
        const Position& position = ref.second;
        if (known.contains(name)) continue;
        if (std::ranges::any_of(unchecked_prefixes,
                                [&](const auto& prefix) { return name.starts_with(prefix); }))
            continue;
        std::string listed;
        for (const auto& known_name : names)
            listed += (listed.empty() ? "" : ", ") + known_name;
        errors.push_back(mapping.file.string() + ":" + std::to_string(position.line) + ":" +
                         std::to_string(position.column) + ": '" + name +
                         "' is not an attribute of the source (it has: " + listed + ")");
    }
    return errors;
}

} // namespace hr2scim::mappings
