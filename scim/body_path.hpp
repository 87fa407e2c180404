#pragma once
// Reading and writing one attribute path in a User body: name.givenName,
// emails[type eq "work"].value, <URN>:department.

#include "scim/attribute_path.hpp"

#include <nlohmann/json.hpp>

namespace hr2scim::scim {

[[nodiscard]] const nlohmann::json* value_at(const nlohmann::json& body, const AttributePath& path);

// Creates what is missing on the way (the typed element of a multi-valued attribute too).
void set_value(nlohmann::json& body, const AttributePath& path, nlohmann::json value);

// Removes the value, and what it leaves empty: an element without a value, an empty list,
// an empty complex attribute or extension.
void erase_value(nlohmann::json& body, const AttributePath& path);

} // namespace hr2scim::scim
