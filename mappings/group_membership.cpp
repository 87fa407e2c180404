#include "mappings/group_membership.hpp"

#include "mappings/dates.hpp"

#include <algorithm>
#include <optional>

namespace hr2scim::mappings {
namespace {

// The values a rule makes groups for: for_each's distinct items, or one pass without `each`.
std::vector<std::optional<Value>> items_of(const GroupRule& rule, const connectors::Record& record,
                                           Instant now) {
    if (!rule.for_each) return {std::nullopt};
    std::vector<std::optional<Value>> items;
    for (const auto& item : evaluate(*rule.for_each, record, now).list()) {
        Value value(trimmed(item));
        if (value.is_empty()) continue;
        if (std::ranges::find(items, std::optional<Value>(value)) == items.end())
            items.emplace_back(std::move(value));
    }
    return items;
}

class Deriver {
  public:
    Deriver(const GroupRule& rule, const connectors::Record& record, Instant now)
        : m_rule(rule), m_record(record), m_now(now) {}

    // The rule's group for one item, or nothing when its name comes out empty.
    std::optional<scim::GroupMembership> group_for(const std::optional<Value>& item) const {
        scim::GroupMembership group;
        group.rule = m_rule.name;
        group.display_name = trimmed(value_of(*m_rule.display_name, item).text());
        if (group.display_name.empty()) return std::nullopt;
        if (m_rule.external_id) {
            group.external_id = trimmed(value_of(*m_rule.external_id, item).text());
            if (group.external_id.empty())
                throw EvaluationError("external_id is empty for the group '" + group.display_name +
                                      "' (" + m_rule.external_id_text + ")");
        }
        group.key = group.external_id.empty() ? group.display_name : group.external_id;
        for (const auto& attribute : m_rule.attributes) {
            auto value = trimmed(value_of(*attribute.value, item).text());
            if (!value.empty()) group.extension[attribute.schema][attribute.attribute] = value;
        }
        return group;
    }

  private:
    Value value_of(const Expression& expression, const std::optional<Value>& item) const {
        return item ? evaluate(expression, m_record, m_now, *item)
                    : evaluate(expression, m_record, m_now);
    }

    const GroupRule& m_rule;
    const connectors::Record& m_record;
    Instant m_now;
};

} // namespace

tl::expected<std::vector<scim::GroupMembership>, std::string>
derive_groups(const Mapping& mapping, const connectors::Record& record, Instant now) {
    std::vector<scim::GroupMembership> groups;
    for (const auto& rule : mapping.groups) {
        try {
            if (rule.members && !evaluate(*rule.members, record, now).truthy()) continue;
            const Deriver deriver(rule, record, now);
            for (const auto& item : items_of(rule, record, now)) {
                auto group = deriver.group_for(item);
                if (!group) continue;
                const bool seen = std::ranges::any_of(
                    groups, [&](const auto& other) { return other.key == group->key; });
                if (!seen) groups.push_back(std::move(*group));
            }
        } catch (const EvaluationError& error) {
            return tl::unexpected("groups." + rule.name + ": " + error.what());
        }
    }
    return groups;
}

} // namespace hr2scim::mappings
