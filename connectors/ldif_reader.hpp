#pragma once
// RFC 2849 LDIF content records, read with OpenLDAP's own reader (ldif.h): folded lines,
// base64 values (`::`), comments, `version: 1`. Pure: text in, entries out, with the line
// each entry and each error is on.

#include "connectors/record.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::connectors {

struct LdifEntry {
    size_t line = 0; // of the `dn:` line
    std::string dn;
    Attributes attributes; // names as written, compared ignoring case; options kept (cn;lang-en)
};

struct LdifError {
    size_t line = 0;
    std::string dn; // empty when the record has none
    std::string reason;
    // The record's readable lines, so that its key can still be known (and protected).
    Attributes readable;
};

struct LdifParse {
    std::vector<LdifEntry> entries;
    std::vector<LdifError> errors;         // records that could not be read; the rest go on
    std::optional<std::string> incomplete; // the export says it is not whole (ldapsearch `result:`)
};

[[nodiscard]] LdifParse parse_ldif(std::string_view text);

} // namespace hr2scim::connectors
