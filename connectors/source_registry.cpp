#include "connectors/source_registry.hpp"

#include "connectors/csv_source.hpp"
#include "connectors/http_api_source.hpp"
#include "connectors/ldap_source.hpp"
#include "connectors/ldif_source.hpp"

#include <array>
#include <stdexcept>

namespace hr2scim::connectors {

const std::string& SourceOptions::get(std::string_view name) const {
    auto found = values.find(name);
    if (found == values.end()) throw std::logic_error("option not declared: " + std::string(name));
    return found->second;
}

std::span<const SourceKind> source_kinds() {
    static const std::array kinds = {
        SourceKind{"csv", csv_source_options(), make_csv_source},
        SourceKind{"ldif", ldif_source_options(), make_ldif_source},
        SourceKind{"ldap", ldap_source_options(), make_ldap_source},
        SourceKind{"http_api", http_api_source_options(), make_http_api_source},
    };
    return kinds;
}

const SourceKind* find_source_kind(std::string_view name) {
    for (const auto& kind : source_kinds())
        if (kind.name == name) return &kind;
    return nullptr;
}

} // namespace hr2scim::connectors
