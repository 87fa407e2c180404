#pragma once
// What the target should hold for one source key: the output of mapping, the input of planning.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scim/attribute_path.hpp"

namespace hr2scim::scim {

struct DesiredResource {
    std::string key;      // the source's stable key (employee id, DN, ...)
    nlohmann::json body;  // the SCIM User as it should be, without id and meta
    std::string origin;   // where the record came from, for messages ("hr.csv:12")
    // Attributes that keep what the target was last sent (create-only rules, empty values a
    // rule says to leave alone): the planner copies them from the state.
    std::vector<AttributePath> keep_as_sent;
};

} // namespace hr2scim::scim
