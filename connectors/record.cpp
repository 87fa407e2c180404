#include "connectors/record.hpp"

#include <algorithm>
#include <cctype>

namespace hr2scim::connectors {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](unsigned char x, unsigned char y) { return std::tolower(x) < std::tolower(y); });
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
