#pragma once
// A mapping compiled once per run into a program that writes each person's body directly as
// the JSON text the state fingerprints: the attribute paths laid out once in the order dump()
// writes them, each rule's reading resolved (a column, text pieces and columns, or the
// expression evaluator for functions and conditions), values kept in slots the thread reuses.
// No JSON tree is built for a person; planning parses the text only for those who changed.
//
// The semantics are map_record()'s, to the byte: the rules, their defaults, unique(), scope,
// lifecycle and groups are evaluated by the same functions, and the differential tests
// (tests/unit/mappings/compiled_mapping_test.cpp, tests/fuzz/fuzz_compiled_mapping.cpp) compare
// the two over every mapping in the repository and generated ones.

#include "connectors/record.hpp"
#include "mappings/functions.hpp"
#include "mappings/mapping.hpp"
#include "scim/desired_resource.hpp"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::mappings {

// The manager's SCIM id for a source key, when the state has one (null: none yet).
using ManagerIdOf = std::function<const std::string*(std::string_view manager_key)>;

class CompiledMapping {
  public:
    // The program, or null when the mapping uses what it does not write itself (lists of
    // values: entitlements and roles); such mappings are mapped as trees.
    [[nodiscard]] static std::shared_ptr<const CompiledMapping> compile(const Mapping& mapping);

    // As map_record(), with the body packed: the very text PackedJson makes of map_record()'s
    // body after set_manager_id(), when the manager has an id.
    [[nodiscard]] tl::expected<scim::DesiredResource, std::string>
    map(const connectors::Record& record, Instant now, const ManagerIdOf& manager_id) const;

    // A body with everything the program can write set (the manager too): what a run's
    // adjustments (attributes the target lacks or does not keep) would drop shows on it.
    [[nodiscard]] nlohmann::json probe_body() const;

    // Public for the implementation's helpers; see compiled_mapping.cpp.
    struct Piece {
        std::string literal; // text as it is, or
        std::string column;  // a source attribute's text (a list's values joined with ", ")
    };
    enum class Reading { column, pieces, call, evaluated };
    struct Argument {
        Value constant;     // a constant as it is, or
        std::string column; // a source attribute's values (nothing, one text, or a list)
    };
    struct Rule {
        const AttributeRule* rule = nullptr;
        Reading reading = Reading::evaluated;
        std::string column;        // Reading::column
        std::vector<Piece> pieces; // Reading::pieces
        // Reading::call: a function of columns and constants (lower(email)), alone or as the
        // one part of a template (its value's text then).
        const Function* function = nullptr;
        std::vector<Argument> arguments;
        bool as_text = false;
        int slot = -1;    // where the value goes; -1: the manager's key
        int element = -1; // the typed element (emails[type eq "work"]) it makes, or -1
    };
    struct Member {
        std::string name;
        int slot = -1;          // k_type_member, k_manager_member, or a slot
        std::string key_text{}; // `,"name":` as written (the comma left out for the first)
    };
    static constexpr int k_type_member = -1;
    static constexpr int k_manager_member = -2;
    struct Element {
        std::string type;
        std::vector<Member> members; // in dump()'s order, "type" among them
        bool needs_value = false;    // emails, phoneNumbers, addresses: dropped without a value
    };
    enum class Kind { active, scalar, object, extension, typed_list, schemas };
    struct Entry {
        std::string key;
        Kind kind = Kind::scalar;
        int slot = -1;               // scalar, active (-1: no rule; true unless decided)
        std::vector<Member> members; // object, extension
        std::vector<int> elements;   // typed_list
        std::string key_text{};      // as Member::key_text
        bool enterprise = false;     // the enterprise extension, where the manager goes
    };

  private:
    const Mapping* m_mapping = nullptr;
    std::vector<Rule> m_rules;
    std::vector<Entry> m_entries; // in dump()'s order
    std::vector<Element> m_elements;
    int m_slots = 0;
    int m_user_name_slot = -1;
};

} // namespace hr2scim::mappings
