#include "connectors/record.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace hr2scim::connectors {

namespace {

// As std::tolower in the C locale, without a call per character.
constexpr unsigned char ascii_lower(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

} // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](unsigned char x, unsigned char y) { return ascii_lower(x) < ascii_lower(y); });
}

namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a == b) return true; // as the mapping usually spells it: one memcmp
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(static_cast<unsigned char>(x)) ==
                      ascii_lower(static_cast<unsigned char>(y));
           });
}

// The column a name was found in last time, by the name's address: mappings ask for the same
// few names, kept by the mapping, row after row of one header. A hit is checked by name.
int cached_column_of(const std::vector<std::string>& header, std::string_view name) {
    struct Seen {
        const void* header = nullptr;
        const char* name = nullptr;
        int column = -1;
    };
    thread_local std::array<Seen, 64> seen;
    auto& slot = seen[(reinterpret_cast<std::uintptr_t>(name.data()) >> 3) % seen.size()];
    if (slot.header == &header && slot.name == name.data() && slot.column >= 0 &&
        static_cast<size_t>(slot.column) < header.size() &&
        same_name(header[static_cast<size_t>(slot.column)], name))
        return slot.column;
    slot = {&header, name.data(), column_of(header, name)};
    return slot.column;
}

} // namespace

int column_of(const std::vector<std::string>& header, std::string_view name) {
    for (size_t i = 0; i < header.size(); ++i)
        if (same_name(header[i], name)) return static_cast<int>(i);
    return -1;
}

std::span<const std::string> Record::values(std::string_view name) const {
    if (header) {
        const int column = cached_column_of(*header, name);
        if (column < 0 || static_cast<size_t>(column) >= fields.size()) return {};
        return {&fields[static_cast<size_t>(column)], 1};
    }
    auto found = attributes.find(name);
    if (found == attributes.end()) return {};
    return found->second;
}

std::string_view Record::value(std::string_view name) const {
    auto found = values(name);
    return found.empty() ? std::string_view() : std::string_view(found.front());
}

bool Record::has_attribute(std::string_view name) const {
    if (header) return column_of(*header, name) >= 0;
    return attributes.find(name) != attributes.end();
}

} // namespace hr2scim::connectors
