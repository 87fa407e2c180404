#include "connectors/record.hpp"

#include <algorithm>
#include <cctype>

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

std::string_view Record::value(std::string_view name) const {
    auto found = attributes.find(name);
    if (found == attributes.end() || found->second.empty()) return {};
    return found->second.front();
}

bool Record::has_attribute(std::string_view name) const {
    return attributes.find(name) != attributes.end();
}

} // namespace hr2scim::connectors
