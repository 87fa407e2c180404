#pragma once
// One person as the source has it, and a record the source could not use.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::connectors {

// Attribute names compare without regard to ASCII case, as LDAP's do.
struct CaseInsensitiveLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
};

using Attributes = std::map<std::string, std::vector<std::string>, CaseInsensitiveLess>;

struct Record {
    std::string key; // stable source key (employee id, DN, ...)
    Attributes attributes;
    std::string origin; // "hr.csv:12", for messages

    // The first value of an attribute, or empty when it has none.
    [[nodiscard]] std::string_view value(std::string_view name) const;
    [[nodiscard]] bool has_attribute(std::string_view name) const;
};

// A record that could not be read or used. Its key, when known, is protected: the run
// neither updates nor deactivates it. An unknown key protects everyone (see the planner).
struct Rejection {
    std::string origin;
    std::string key; // empty when the key could not be read
    std::string reason;
};

} // namespace hr2scim::connectors
