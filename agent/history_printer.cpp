#include "agent/history_printer.hpp"

#include <fmt/format.h>

namespace hr2scim::agent {
namespace {

std::string shown(const nlohmann::json& value) {
    return value.is_string() ? "\"" + value.get<std::string>() + "\"" : value.dump();
}

// "title: "Engineer" -> "Staff Engineer"" for a change; the names a create set.
std::string what_changed(const nlohmann::json& attributes) {
    if (!attributes.is_array() || attributes.empty()) return {};
    std::string text;
    if (attributes.front().is_string()) {
        for (const auto& name : attributes)
            text += (text.empty() ? "set: " : ", ") + name.get<std::string>();
        return text;
    }
    for (const auto& change : attributes) {
        if (!text.empty()) text += "; ";
        text += change.value("attribute", "?") + ": " +
                (change.contains("from") ? shown(change["from"]) : std::string("(none)")) + " -> " +
                (change.contains("to") ? shown(change["to"]) : std::string("(removed)"));
    }
    return text;
}

} // namespace

void print_history(std::ostream& out, const std::string& key,
                   const std::vector<state::AuditRecord>& records) {
    out << "History of " << key << " (" << records.size()
        << (records.size() == 1 ? " entry" : " entries") << ", oldest first):\n";
    for (const auto& record : records) {
        const auto& entry = record.entry;
        out << fmt::format("  {:<24}  run {:<5} {:<12} {:<16} {}\n", record.at, entry.run_id,
                           entry.target, entry.operation, entry.status);
        if (const auto changed = what_changed(entry.attributes); !changed.empty())
            out << "      " << changed << "\n";
        if (!entry.reason.empty()) out << "      why: " << entry.reason << "\n";
        if (!entry.error.empty())
            out << "      " << (entry.status == "done" ? "note: " : "because: ") << entry.error
                << "\n";
    }
}

} // namespace hr2scim::agent
