#include "agent/history_json.hpp"

namespace hr2scim::agent {
namespace {

// Fields in the order a reader expects (when, then what), not alphabetical.
using json = nlohmann::ordered_json;

json text_or_null(const std::string& text) {
    return text.empty() ? json() : json(text);
}

} // namespace

json history_to_json(const std::string& key, const std::vector<state::AuditRecord>& records) {
    json entries = json::array();
    for (const auto& record : records) {
        const auto& entry = record.entry;
        // "message": why it failed, was withheld or rejected, or a note on one that was done.
        // The trail holds a change as [{"attribute", "from", "to"}] and a create as the names
        // it set: two lists, so that a script need not tell them apart by shape.
        json changes = json::array(), set = json::array();
        if (entry.attributes.is_array())
            for (const auto& item : entry.attributes)
                (item.is_string() ? set : changes).push_back(json(item));
        entries.push_back({{"at", record.at},
                           {"run", entry.run_id},
                           {"target", entry.target},
                           {"operation", entry.operation},
                           {"outcome", entry.status},
                           {"changes", std::move(changes)},
                           {"set", std::move(set)},
                           {"reason", text_or_null(entry.reason)},
                           {"message", text_or_null(entry.error)}});
    }
    return {{"key", key}, {"entries", std::move(entries)}};
}

} // namespace hr2scim::agent
