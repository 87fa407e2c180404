#include "connectors/ldif_source.hpp"

#include "connectors/source_support.hpp"

#include <array>

namespace hr2scim::connectors {
namespace {

constexpr std::array k_ldif_options = {
    OptionSpec{"type", true, "", "ldif"},
    OptionSpec{"path", true, "", "the LDIF file; relative to the config file's folder"},
    OptionSpec{"key_attribute", true, "",
               "the attribute that holds each person's stable key, or dn"},
    OptionSpec{"object_class", false, "inetOrgPerson, person, user",
               "entries with any of these object classes are people; others are skipped"},
};

bool has_object_class(const LdifEntry& entry, const std::vector<std::string>& classes) {
    auto found = entry.attributes.find("objectClass");
    if (found == entry.attributes.end()) return false;
    CaseInsensitiveLess less;
    for (const auto& value : found->second)
        for (const auto& wanted : classes)
            if (!less(value, wanted) && !less(wanted, value)) return true;
    return false;
}

// The key of a record that could not be read, when its readable lines name it exactly once:
// that person is then left alone, and nobody else is held back because of them.
std::string key_of_unreadable(const LdifError& error, const LdifSourceSettings& settings) {
    if (settings.key_attribute == "dn" || settings.key_attribute == "DN") return error.dn;
    if (error.dn.empty()) return {};
    auto values = error.readable.find(settings.key_attribute);
    if (values == error.readable.end() || values->second.size() != 1) return {};
    return values->second.front();
}

} // namespace

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = std::min(text.find(',', start), text.size());
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) items.push_back(item);
        start = end + 1;
    }
    return items;
}

SourceRead records_from_entries(std::vector<LdifEntry> entries, const std::string& label,
                                const LdifSourceSettings& settings) {
    SourceRead read;
    const bool key_is_dn = settings.key_attribute == "dn" || settings.key_attribute == "DN";
    for (auto& entry : entries) {
        if (!settings.object_classes.empty() && !has_object_class(entry, settings.object_classes))
            continue;
        std::string origin =
            entry.line > 0 ? label + ":" + std::to_string(entry.line) : label + " " + entry.dn;
        std::string key = entry.dn;
        if (!key_is_dn) {
            auto values = entry.attributes.find(settings.key_attribute);
            if (values == entry.attributes.end() || values->second.empty() ||
                values->second.front().empty()) {
                read.rejections.push_back(
                    {origin, "", entry.dn + " has no " + settings.key_attribute});
                continue;
            }
            if (values->second.size() > 1) {
                read.rejections.push_back({origin, "",
                                           entry.dn + " has " +
                                               std::to_string(values->second.size()) +
                                               " values of " + settings.key_attribute});
                continue;
            }
            key = values->second.front();
        }
        entry.attributes["dn"] = {entry.dn};
        read.records.emplace_back(std::move(key), std::move(entry.attributes), std::move(origin));
    }
    reject_duplicate_keys(read);
    return read;
}

LdifSource::LdifSource(LdifSourceSettings settings) : m_settings(std::move(settings)) {}

std::string LdifSource::describe() const {
    return "ldif:" + m_settings.path.string();
}

SourceRead LdifSource::read() {
    auto content = read_text_file(m_settings.path);
    if (!content) {
        SourceRead failed;
        failed.failure = content.error();
        return failed;
    }
    const std::string label = m_settings.path.filename().string();
    auto parsed = parse_ldif(*content);
    SourceRead read = records_from_entries(std::move(parsed.entries), label, m_settings);
    for (auto& error : parsed.errors)
        read.rejections.push_back({label + ":" + std::to_string(error.line),
                                   key_of_unreadable(error, m_settings),
                                   (error.dn.empty() ? "" : error.dn + ": ") + error.reason});
    if (parsed.incomplete) read.failure = label + ": " + *parsed.incomplete;
    return read;
}

std::span<const OptionSpec> ldif_source_options() {
    return k_ldif_options;
}

std::unique_ptr<Source> make_ldif_source(const SourceOptions& options) {
    LdifSourceSettings settings{options.base_directory / options.get("path"),
                                options.get("key_attribute"),
                                split_list(options.get("object_class"))};
    return std::make_unique<LdifSource>(std::move(settings));
}

} // namespace hr2scim::connectors
