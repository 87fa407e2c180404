#pragma once
// Reads the `groups:` section of a mapping file (mappings/mapping.hpp shows its shape). Every
// mistake is a MappingError at the file, line and column where it was written.

#include "mappings/mapping.hpp"

#include <vector>
#include <yaml-cpp/yaml.h>

namespace hr2scim::mappings {

class MappingText;

[[nodiscard]] std::vector<GroupRule> load_group_rules(const YAML::Node& section,
                                                      const MappingText& text);

// Whether the expression reads `each`.
[[nodiscard]] bool reads_each(const Expression& expression);

} // namespace hr2scim::mappings
