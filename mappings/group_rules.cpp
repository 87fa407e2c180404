#include "mappings/group_rules.hpp"

#include "mappings/mapping_text.hpp"

#include <algorithm>
#include <set>

namespace hr2scim::mappings {
namespace {

constexpr std::string_view k_core_group_schema = "urn:ietf:params:scim:schemas:core:2.0:Group";

// SCIM's ATTRNAME (RFC 7643 §2.1): a letter, then letters, digits, "-" or "_".
bool attribute_name(std::string_view name) {
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    return !name.empty() && letter(name.front()) && std::ranges::all_of(name, [&](char c) {
        return letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

class GroupRuleLoader {
  public:
    explicit GroupRuleLoader(const MappingText& text) : m_text(text) {}

    std::vector<GroupRule> load(const YAML::Node& section) {
        if (!section.IsMap())
            throw MappingError(m_text.where(section.Mark()) +
                               "`groups:` must be a map of group rules, each with a display_name");
        std::vector<GroupRule> rules;
        std::set<std::string> names;
        for (const auto& item : section) {
            const std::string& name = item.first.Scalar();
            if (!names.insert(name).second)
                throw MappingError(m_text.where(item.first.Mark()) + "group rule '" + name +
                                   "' is given twice");
            rules.push_back(load_rule(item.first, item.second));
        }
        return rules;
    }

  private:
    GroupRule load_rule(const YAML::Node& key, const YAML::Node& body) {
        GroupRule rule;
        rule.name = key.Scalar();
        rule.position = MappingText::position_of(key);
        if (!body.IsMap())
            throw MappingError(m_text.where(body.Mark()) + "group rule '" + rule.name +
                               "' must be a map with display_name (and for_each, external_id, "
                               "members, attributes)");
        for (const auto& item : body) {
            const YAML::Node setting = item.first;
            const YAML::Node value = item.second;
            const std::string& name = setting.Scalar();
            if (name == "attributes") {
                load_attributes(value, rule);
                continue;
            }
            if (!value.IsScalar())
                throw MappingError(m_text.where(value.Mark()) + "'" + name +
                                   "' takes a single value");
            const std::string& written = value.Scalar();
            const Position at = MappingText::position_of(value);
            if (name == "for_each") {
                rule.for_each = m_text.parse(written, at);
                rule.for_each_text = written;
            } else if (name == "display_name") {
                rule.display_name = m_text.parse(written, at);
                rule.display_name_text = written;
            } else if (name == "external_id") {
                rule.external_id = m_text.parse(written, at);
                rule.external_id_text = written;
            } else if (name == "members") {
                rule.members = m_text.condition(value);
                rule.members_text = written;
            } else {
                throw MappingError(m_text.where(setting.Mark()) + "unknown key '" + name +
                                   "' in group rule '" + rule.name +
                                   "' (expected: for_each, display_name, external_id, members, "
                                   "attributes)");
            }
        }
        check(rule, key);
        return rule;
    }

    void check(const GroupRule& rule, const YAML::Node& key) const {
        if (!rule.display_name)
            throw MappingError(m_text.where(key.Mark()) + "group rule '" + rule.name +
                               "' needs a display_name");
        if (!rule.for_each) return;
        if (reads_each(*rule.for_each))
            throw MappingError(m_text.where(key.Mark()) + "group rule '" + rule.name +
                               "': for_each gives the values {each} names; it cannot use {each}");
        const bool named_by_each =
            reads_each(*rule.display_name) || (rule.external_id && reads_each(*rule.external_id));
        if (!named_by_each)
            throw MappingError(m_text.where(key.Mark()) + "group rule '" + rule.name +
                               "' has for_each, but neither display_name nor external_id uses "
                               "{each}: every value would make the same group");
    }

    void load_attributes(const YAML::Node& section, GroupRule& rule) {
        if (!section.IsMap())
            throw MappingError(m_text.where(section.Mark()) +
                               "`attributes:` of a group rule must be a map of "
                               "\"urn:…:attribute\": template");
        for (const auto& item : section) {
            const YAML::Node key = item.first;
            const YAML::Node value = item.second;
            const std::string& path = key.Scalar();
            const auto colon = path.rfind(':');
            if (!path.starts_with("urn:") || colon == std::string::npos ||
                !attribute_name(std::string_view(path).substr(colon + 1)))
                throw MappingError(m_text.where(key.Mark()) + "'" + path +
                                   "' is not an extension attribute (expected "
                                   "\"urn:<schema>:<attribute>\", for example "
                                   "\"urn:example:params:scim:schemas:extension:acme:2.0:Group:"
                                   "costCenter\")");
            GroupAttributeRule attribute{path.substr(0, colon), path.substr(colon + 1), {}, {}};
            if (attribute.schema == k_core_group_schema)
                throw MappingError(m_text.where(key.Mark()) + "'" + path +
                                   "': displayName, externalId and members are set by the rule "
                                   "itself, not as attributes");
            if (!value.IsScalar())
                throw MappingError(m_text.where(value.Mark()) + "'" + path +
                                   "' takes a single value");
            attribute.value = m_text.parse(value.Scalar(), MappingText::position_of(value));
            attribute.source_text = value.Scalar();
            const bool twice = std::ranges::any_of(rule.attributes, [&](const auto& other) {
                return other.schema == attribute.schema && other.attribute == attribute.attribute;
            });
            if (twice)
                throw MappingError(m_text.where(key.Mark()) + "'" + path + "' is given twice");
            rule.attributes.push_back(std::move(attribute));
        }
    }

    const MappingText& m_text;
};

} // namespace

std::vector<GroupRule> load_group_rules(const YAML::Node& section, const MappingText& text) {
    return GroupRuleLoader(text).load(section);
}

bool reads_each(const Expression& expression) {
    std::vector<std::pair<std::string, Position>> refs;
    collect_attribute_refs(expression, refs);
    return std::ranges::any_of(refs, [](const auto& ref) { return ref.first == k_each; });
}

} // namespace hr2scim::mappings
