#include "connectors/record.hpp"

namespace hr2scim::connectors {

std::string_view Record::value(std::string_view name) const {
    auto found = attributes.find(name);
    if (found == attributes.end() || found->second.empty()) return {};
    return found->second.front();
}

bool Record::has_attribute(std::string_view name) const {
    return attributes.find(name) != attributes.end();
}

} // namespace hr2scim::connectors
