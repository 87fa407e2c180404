#pragma once
// What the target should hold for one source key: the output of mapping, the input of planning.

#include <string>

#include <nlohmann/json.hpp>

namespace hr2scim::scim {

struct DesiredResource {
    std::string key;      // the source's stable key (employee id, DN, ...)
    nlohmann::json body;  // the SCIM User as it should be, without id and meta
    std::string origin;   // where the record came from, for messages ("hr.csv:12")
};

} // namespace hr2scim::scim
