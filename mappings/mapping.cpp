#include "mappings/mapping.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "mappings/expression_parser.hpp"
#include "mappings/mapper.hpp"

namespace hr2scim::mappings {
namespace {

class Loader {
public:
    explicit Loader(std::filesystem::path label) : m_label(std::move(label)) {}

    Mapping load(const std::string& text) {
        YAML::Node root;
        try {
            root = YAML::Load(text);
        } catch (const YAML::Exception& error) {
            throw MappingError(where(error.mark) + error.msg);
        }
        if (!root.IsMap()) throw MappingError(m_label.string() + ": expected a map with an `attributes:` key");
        Mapping mapping{m_label, {}};
        for (const auto& item : root) {
            if (item.first.Scalar() != "attributes")
                throw MappingError(where(item.first.Mark()) + "unknown key '" + item.first.Scalar() +
                                   "' (expected: attributes)");
            load_attributes(item.second, mapping);
        }
        if (mapping.rules.empty()) throw MappingError(m_label.string() + ": `attributes:` maps nothing");
        return mapping;
    }

private:
    std::string where(const YAML::Mark& mark) const {
        return m_label.string() + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
    }

    static Position position_of(const YAML::Node& node) {
        // A quoted scalar's text starts one column after its mark.
        int quote = node.Tag() == "!" ? 1 : 0;
        return {node.Mark().line + 1, node.Mark().column + 1 + quote};
    }

    void load_attributes(const YAML::Node& attributes, Mapping& mapping) {
        if (!attributes.IsMap()) throw MappingError(where(attributes.Mark()) + "`attributes:` must be a map");
        std::set<std::string> seen;
        for (const auto& item : attributes) {
            AttributeRule rule = load_rule(item.first, item.second);
            if (!seen.insert(rule.target.to_string()).second)
                throw MappingError(where(item.first.Mark()) + "'" + rule.target.to_string() + "' is mapped twice");
            mapping.rules.push_back(std::move(rule));
        }
        bool has_user_name = std::ranges::any_of(mapping.rules, [](const auto& rule) {
            return rule.target.attribute == "userName" && rule.target.schema.empty();
        });
        if (!has_user_name) throw MappingError(where(attributes.Mark()) + "userName must be mapped");
    }

    AttributeRule load_rule(const YAML::Node& key, const YAML::Node& value) {
        AttributeRule rule;
        rule.position = position_of(key);
        auto path = scim::parse_attribute_path(key.Scalar());
        if (!path) throw MappingError(where(key.Mark()) + "'" + key.Scalar() + "': " + path.error());
        auto type = check_target(*path);
        if (!type) throw MappingError(where(key.Mark()) + type.error());
        rule.target = std::move(*path);
        rule.type = *type;
        if (value.IsScalar()) {
            rule.source_text = value.Scalar();
            rule.value = parse(value.Scalar(), position_of(value));
        } else if (value.IsMap()) {
            load_rule_map(value, rule);
        } else {
            throw MappingError(where(value.Mark()) + "expected a template, or a map with column, value or template");
        }
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
                if (has_value) throw MappingError(where(key.Mark()) + "give one of column, value, template or expr");
                has_value = true;
                load_value(name, text, operand, rule);
            } else if (name == "default") {
                rule.default_value = parse(text, position_of(operand));
            } else if (name == "apply") {
                if (text != "always" && text != "on_create")
                    throw MappingError(where(operand.Mark()) + "apply takes always or on_create");
                rule.create_only = text == "on_create";
            } else if (name == "when_empty") {
                if (text != "clear" && text != "leave")
                    throw MappingError(where(operand.Mark()) + "when_empty takes clear or leave");
                rule.leave_when_empty = text == "leave";
            } else {
                throw MappingError(where(key.Mark()) + "unknown key '" + name +
                                   "' (expected: column, value, template or expr; apply, default, when_empty)");
            }
        }
        if (!has_value) throw MappingError(where(map.Mark()) + "give one of column, value, template or expr");
    }

    void load_value(const std::string& kind, const std::string& text, const YAML::Node& operand, AttributeRule& rule) {
        if (kind == "column") {
            if (text.empty()) throw MappingError(where(operand.Mark()) + "column needs a name");
            rule.value = std::make_shared<const Expression>(Expression{AttributeRef{text}, position_of(operand)});
            rule.source_text = "column " + text;
        } else if (kind == "value") {
            rule.value = std::make_shared<const Expression>(Expression{Literal{Value(text)}, position_of(operand)});
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

    MappingError error_at(const ParseError& error) const {
        return MappingError(m_label.string() + ":" + std::to_string(error.position.line) + ":" +
                            std::to_string(error.position.column) + ": " + error.message);
    }

    ExpressionPtr parse(const std::string& text, Position position) {
        auto parsed = parse_template(text, position);
        if (!parsed) throw error_at(parsed.error());
        return *parsed;
    }

    std::filesystem::path m_label;
};

} // namespace

Mapping parse_mapping(const std::string& yaml_text, const std::filesystem::path& label) {
    return Loader(label).load(yaml_text);
}

Mapping load_mapping(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw MappingError("cannot open mapping file " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    return parse_mapping(text.str(), file);
}

std::vector<scim::AttributePath> targets_reading(const Mapping& mapping, std::string_view prefix) {
    std::vector<scim::AttributePath> targets;
    for (const auto& rule : mapping.rules) {
        std::vector<std::pair<std::string, Position>> refs;
        collect_attribute_refs(*rule.value, refs);
        if (rule.default_value) collect_attribute_refs(*rule.default_value, refs);
        if (std::ranges::any_of(refs, [&](const auto& ref) { return ref.first.starts_with(prefix); }))
            targets.push_back(rule.target);
    }
    return targets;
}

std::vector<std::string> check_source_attributes(const Mapping& mapping, const std::vector<std::string>& names,
                                                 const std::vector<std::string>& unchecked_prefixes) {
    std::set<std::string_view, connectors::CaseInsensitiveLess> known(names.begin(), names.end());
    std::vector<std::string> errors;
    for (const auto& rule : mapping.rules) {
        std::vector<std::pair<std::string, Position>> refs;
        collect_attribute_refs(*rule.value, refs);
        if (rule.default_value) collect_attribute_refs(*rule.default_value, refs);
        for (const auto& ref : refs) {
            // Named, not a structured binding: clang 14 (the fuzz build) cannot capture those.
            const std::string& name = ref.first;
            const Position& position = ref.second;
            if (known.contains(name)) continue;
            if (std::ranges::any_of(unchecked_prefixes, [&](const auto& prefix) { return name.starts_with(prefix); }))
                continue;
            std::string listed;
            for (const auto& known_name : names) listed += (listed.empty() ? "" : ", ") + known_name;
            errors.push_back(mapping.file.string() + ":" + std::to_string(position.line) + ":" +
                             std::to_string(position.column) + ": '" + name +
                             "' is not an attribute of the source (it has: " + listed + ")");
        }
    }
    return errors;
}

} // namespace hr2scim::mappings
