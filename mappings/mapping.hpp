#pragma once
// A mapping file: which SCIM attribute each source value goes to, and how.
//
//   attributes:
//     userName: "{lower(email)}"                  # a template
//     externalId: { column: employee_id }          # one source attribute, as it is
//     active: { value: true }                      # a constant
//     emails[type eq "work"].value: "{email}"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "mappings/expression.hpp"
#include "mappings/known_attributes.hpp"
#include "scim/attribute_path.hpp"

namespace hr2scim::mappings {

struct AttributeRule {
    scim::AttributePath target;
    ValueType type = ValueType::string;
    ExpressionPtr value;
    std::string source_text;      // the rule as written, for plans and messages
    Position position;
    bool create_only = false;     // apply: on_create; later runs leave the target's value alone
    ExpressionPtr default_value;  // default: used when the value is empty
    bool leave_when_empty = false; // when_empty: leave keeps the target's value; clear removes it
};

struct Mapping {
    std::filesystem::path file;
    std::vector<AttributeRule> rules;
};

// Anything wrong with a mapping file; the message starts with file:line:column.
class MappingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

[[nodiscard]] Mapping load_mapping(const std::filesystem::path& file);
[[nodiscard]] Mapping parse_mapping(const std::string& yaml_text, const std::filesystem::path& label);

// Errors for every source attribute the mapping reads that the source does not have.
// Attributes starting with one of `unchecked_prefixes` (joined sources with no fixed list
// of attributes) are not checked.
[[nodiscard]] std::vector<std::string> check_source_attributes(const Mapping& mapping,
                                                               const std::vector<std::string>& names,
                                                               const std::vector<std::string>& unchecked_prefixes = {});

// The target paths whose value reads any attribute starting with `prefix` (e.g. "directory.").
[[nodiscard]] std::vector<scim::AttributePath> targets_reading(const Mapping& mapping, std::string_view prefix);

} // namespace hr2scim::mappings
