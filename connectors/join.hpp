#pragma once
// Joining a secondary source onto the primary one: each primary record gains the matching
// secondary record's attributes, named `<join name>.<attribute>` (directory.mail).

#include "connectors/record.hpp"

#include <string>
#include <vector>

namespace hr2scim::connectors {

struct JoinSpec {
    std::string name;                // prefix of the joined attributes
    std::string primary_attribute;   // e.g. email, in the primary records
    std::string secondary_attribute; // e.g. mail, in the secondary records
};

struct JoinOutcome {
    size_t matched = 0;
    size_t unmatched = 0;               // primary records with no secondary record
    std::vector<std::string> ambiguous; // values several secondary records share: not joined
};

// Values are compared ignoring ASCII case (mail addresses, LDAP values).
JoinOutcome join_into(std::vector<Record>& primary, const std::vector<Record>& secondary,
                      const JoinSpec& spec);

} // namespace hr2scim::connectors
