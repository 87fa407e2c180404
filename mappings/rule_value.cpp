#include "mappings/rule_value.hpp"

#include "connectors/utf8.hpp"
#include "mappings/mapper.hpp"

#include <algorithm>

namespace hr2scim::mappings {

tl::expected<Scalar, std::string> scalar_of(const AttributeRule& rule, const Value& value) {
    auto path = [&] { return rule.target.to_string(); }; // for messages only: not per record
    if (const auto* list = std::get_if<List>(&value.data); list && list->size() > 1)
        return tl::unexpected(path() + ": the value is a list of " + std::to_string(list->size()) +
                              " values; pick one, or join them with join()");
    if (rule.type == ValueType::boolean) {
        if (const auto* flag = std::get_if<bool>(&value.data)) return Scalar(*flag);
        auto flag = parse_boolean(value.text());
        if (!flag) return tl::unexpected(path() + ": '" + value.text() + "' is not true or false");
        return Scalar(*flag);
    }
    std::string text = value.text();
    if (auto bad = connectors::find_invalid_utf8(text))
        return tl::unexpected(path() + ": the value is not valid UTF-8 (byte " +
                              std::to_string(*bad + 1) + "), perhaps a binary attribute");
    return Scalar(std::move(text));
}

std::vector<std::string> unique_candidates(const AttributeRule& rule,
                                           const connectors::Record& record, Instant now) {
    std::vector<std::string> candidates;
    for (const auto& argument : unique_call(*rule.value)->arguments) {
        Value value = evaluate(*argument, record, now);
        if (value.is_empty()) continue;
        std::string text = value.text();
        if (std::ranges::find(candidates, text) == candidates.end())
            candidates.push_back(std::move(text));
    }
    return candidates;
}

} // namespace hr2scim::mappings
