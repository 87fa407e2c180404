#pragma once
// The error a mapping text gets when it loads as "m.yaml", or "no error".
#include "mappings/mapping.hpp"

#include <string>

namespace hr2scim::mappings {

inline std::string load_error(const std::string& yaml) {
    try {
        (void)parse_mapping(yaml, "m.yaml");
    } catch (const MappingError& error) {
        return error.what();
    }
    return "no error";
}

} // namespace hr2scim::mappings
