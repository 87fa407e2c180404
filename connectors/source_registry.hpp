#pragma once
// The one list of source kinds, keyed by the `type:` a config names.

#include "connectors/source.hpp"

#include <span>
#include <string_view>

namespace hr2scim::connectors {

[[nodiscard]] std::span<const SourceKind> source_kinds();
[[nodiscard]] const SourceKind* find_source_kind(std::string_view name);

} // namespace hr2scim::connectors
