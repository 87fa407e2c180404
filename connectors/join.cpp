#include "connectors/join.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace hr2scim::connectors {
namespace {

std::string folded(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

} // namespace

JoinOutcome join_into(std::vector<Record>& primary, const std::vector<Record>& secondary,
                      const JoinSpec& spec) {
    JoinOutcome outcome;
    std::map<std::string, const Record*> by_value;
    std::map<std::string, size_t> counts;
    for (const auto& record : secondary) {
        std::string value = folded(record.value(spec.secondary_attribute));
        if (value.empty()) continue;
        by_value[value] = &record;
        ++counts[value];
    }
    for (const auto& [value, count] : counts)
        if (count > 1) outcome.ambiguous.push_back(value);
    for (auto& record : primary) {
        std::string value = folded(record.value(spec.primary_attribute));
        auto found = by_value.find(value);
        if (value.empty() || found == by_value.end() || counts[value] > 1) {
            ++outcome.unmatched;
            continue;
        }
        for (const auto& [name, values] : found->second->attributes)
            record.attributes[spec.name + "." + name] = values;
        ++outcome.matched;
    }
    return outcome;
}

} // namespace hr2scim::connectors
