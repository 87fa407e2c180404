#pragma once
// The mapping expression tree: parsed once per run, evaluated per record.
// First version: literals, source attributes, function calls and templates; the full
// language (operators, conditions) adds node kinds here without changing callers.

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "connectors/record.hpp"

namespace hr2scim::mappings {

struct Position {
    int line = 0;   // 1-based, in the mapping file
    int column = 0; // 1-based
};

struct Expression;
using ExpressionPtr = std::shared_ptr<const Expression>;

struct Literal {
    std::string value;
};
struct AttributeRef {
    std::string name; // a source attribute (CSV column, LDAP attribute, ...)
};
struct Call {
    std::string function;
    std::vector<ExpressionPtr> arguments;
};
struct Template {
    std::vector<ExpressionPtr> parts; // concatenated
};

struct Expression {
    std::variant<Literal, AttributeRef, Call, Template> node;
    Position position;
};

// Evaluates against one record. A missing attribute is the empty string.
[[nodiscard]] std::string evaluate(const Expression& expression, const connectors::Record& record);

// Every source attribute the expression reads, with where it is named.
void collect_attribute_refs(const Expression& expression,
                            std::vector<std::pair<std::string, Position>>& out);

} // namespace hr2scim::mappings
