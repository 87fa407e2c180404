#pragma once
// One person as the source has it, and a record the source could not use.

#include <map>
#include <memory>
#include <span>
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
    Record() = default;
    Record(std::string source_key, Attributes source_attributes, std::string where = {})
        : key(std::move(source_key)), attributes(std::move(source_attributes)),
          origin(std::move(where)) {}

    std::string key; // stable source key (employee id, DN, ...)
    Attributes attributes;
    std::string origin; // "hr.csv:12", for messages
    // A CSV row as streamed to mapping (plan, sync, validate): the header, shared by every row,
    // and one field per column, without a map per row; `attributes` is empty then.
    std::shared_ptr<const std::vector<std::string>> header;
    std::vector<std::string> fields;

    // An attribute's values (none when it is missing), from either form.
    [[nodiscard]] std::span<const std::string> values(std::string_view name) const;
    // The first value of an attribute, or empty when it has none.
    [[nodiscard]] std::string_view value(std::string_view name) const;
    [[nodiscard]] bool has_attribute(std::string_view name) const;
};

// The column of `header` named `name` (ASCII case ignored; the first of two), or -1.
[[nodiscard]] int column_of(const std::vector<std::string>& header, std::string_view name);

// A record that could not be read or used. Its key, when known, is protected: the run
// neither updates nor deactivates it. An unknown key protects everyone (see the planner).
struct Rejection {
    std::string origin;
    std::string key; // empty when the key could not be read
    std::string reason;
};

} // namespace hr2scim::connectors
