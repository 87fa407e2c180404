#pragma once
// A mapping file: which SCIM attribute each source value goes to, and how.
//
//   attributes:
//     userName: "{lower(email)}"                  # a template
//     externalId: { column: employee_id }          # one source attribute, as it is
//     active: { value: true }                      # a constant
//     emails[type eq "work"].value: "{email}"
//     entitlements: '{split(entitlements, ";")}'   # a list: one {"value": ...} per item
//     roles[type eq "app"]: { column: role, display: "Role {each}", primary: true }
//   scope:                                         # optional: who is provisioned
//     include: 'worker_type == "Employee"'
//     out_of_scope: deactivate                     # or remove, leave
//   lifecycle:                                     # optional: joiners and leavers by date
//     time_zone: Europe/Berlin
//     hire_date: "{start_date}"
//     create_days_before: 7
//     termination_date: "{end_date}"
//     delete_after_days: 30
//   groups:                                        # optional: the SCIM Groups people belong to
//     departments:
//       for_each: "{department}"                   # one group per distinct value (a list: each)
//       display_name: "Dept - {each}"
//       external_id: "dept-{lower(each)}"          # the group's stable key: a rename keeps it
//     managers:
//       display_name: All managers                 # a fixed group
//       members: 'is_manager == "yes"'             # who belongs (default: everyone)

#include "http/run_error.hpp"
#include "mappings/expression.hpp"
#include "mappings/known_attributes.hpp"
#include "scim/attribute_path.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hr2scim::mappings {

struct AttributeRule {
    scim::AttributePath target;
    ValueType type = ValueType::string;
    ExpressionPtr value;
    std::string source_text; // the rule as written, for plans and messages
    Position position;
    bool create_only = false;      // apply: on_create; later runs leave the target's value alone
    ExpressionPtr default_value;   // default: used when the value is empty
    bool leave_when_empty = false; // when_empty: leave keeps the target's value; clear removes it
    bool unique = false; // unique(a, b, ...): the first candidate free on the target, on create
    // entitlements, roles (ValueType::value_list): each item's display, a template where `each`
    // is the item's value (null: none), and whether the rule's item is the primary one.
    ExpressionPtr display;
    std::string display_text;
    bool primary = false;
};

// Who is provisioned at all (`scope:`), and what happens to those who are not.
enum class OutOfScope {
    deactivate, // active: false, the account is kept
    remove,     // active: false, then DELETE after lifecycle.delete_after_days
    leave,      // hr2scim leaves the account as it is
};

struct Scope {
    ExpressionPtr include; // null: everyone
    ExpressionPtr exclude; // null: nobody
    std::string include_text, exclude_text;
    OutOfScope out_of_scope = OutOfScope::deactivate;
};

// Dates that drive joiners and leavers (`lifecycle:`).
struct Lifecycle {
    const date::time_zone* time_zone = nullptr; // the configured zone; null without lifecycle
    ExpressionPtr person_time_zone;             // the person's own zone, when the source has it
    ExpressionPtr hire_date;                    // first working day
    int create_days_before = 0;                 // accounts exist, inactive, this many days before
    ExpressionPtr termination_date;             // last working day
    std::optional<int> delete_after_days;       // DELETE this long after deactivation; none: never
};

// An extension attribute every group of a rule carries ("urn:…:Group:costCenter").
struct GroupAttributeRule {
    std::string schema;    // "urn:example:params:scim:schemas:extension:acme:2.0:Group"
    std::string attribute; // "costCenter"
    ExpressionPtr value;   // a template; `each` may be used
    std::string source_text;
};

// One entry of `groups:`: the groups a person belongs to by one rule.
struct GroupRule {
    std::string name; // the entry's name in the file, for explain and messages
    Position position;
    ExpressionPtr for_each;     // one group per distinct value (a list: per item); null: fixed
    ExpressionPtr display_name; // a template; `each` is for_each's value
    ExpressionPtr external_id;  // a template, optional: the group's key when given
    ExpressionPtr members;      // a condition: who belongs; null: everyone
    std::string for_each_text, display_name_text, external_id_text, members_text;
    std::vector<GroupAttributeRule> attributes;
};

struct Mapping {
    std::filesystem::path file;
    std::vector<AttributeRule> rules;
    Scope scope;
    Lifecycle lifecycle;
    std::vector<GroupRule> groups;
};

// Anything wrong with a mapping file; the message starts with file:line:column.
class MappingError : public RunError {
  public:
    using RunError::RunError;
};

[[nodiscard]] Mapping load_mapping(const std::filesystem::path& file);
[[nodiscard]] Mapping parse_mapping(const std::string& yaml_text,
                                    const std::filesystem::path& label);

// Errors for every source attribute the mapping reads that the source does not have.
// Attributes starting with one of `unchecked_prefixes` (joined sources with no fixed list
// of attributes) are not checked.
[[nodiscard]] std::vector<std::string>
check_source_attributes(const Mapping& mapping, const std::vector<std::string>& names,
                        const std::vector<std::string>& unchecked_prefixes = {});

// The target paths whose value reads any attribute starting with `prefix` (e.g. "directory.").
[[nodiscard]] std::vector<scim::AttributePath> targets_reading(const Mapping& mapping,
                                                               std::string_view prefix);

// Whether the scope or the lifecycle dates read any attribute starting with `prefix`.
[[nodiscard]] bool decisions_read(const Mapping& mapping, std::string_view prefix);

} // namespace hr2scim::mappings
