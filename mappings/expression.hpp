#pragma once
// The mapping expression tree: parsed once per run, evaluated per record. Expressions
// have no access to files, the network, the shell or the system clock: now() and today()
// read the run's instant, one for the whole run.

#include "connectors/record.hpp"
#include "mappings/dates.hpp"
#include "mappings/value.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hr2scim::mappings {

struct Position {
    int line = 0;   // 1-based, in the mapping file
    int column = 0; // 1-based
};

struct Expression;
using ExpressionPtr = std::shared_ptr<const Expression>;

struct Literal {
    Value value;
};
struct AttributeRef {
    std::string name; // a source attribute (CSV column, LDAP attribute, ...)
};
struct Function;
struct Call {
    std::string function;
    const Function* resolved = nullptr; // set by the parser
    std::vector<ExpressionPtr> arguments;
};
struct Template {
    std::vector<ExpressionPtr> parts; // their text, concatenated
};
enum class Operator {
    equal,
    not_equal,
    less,
    less_equal,
    greater,
    greater_equal,
    matches,
    both,
    either,
    negate
};
struct Operation {
    Operator op;
    std::vector<ExpressionPtr> operands; // one for `not`, two otherwise
};

struct Expression {
    std::variant<Literal, AttributeRef, Call, Template, Operation> node;
    Position position;
};

// Evaluates against one record at the run's instant `now`. A missing attribute is nothing;
// a multi-valued one a list. Throws EvaluationError when a function cannot use its input.
[[nodiscard]] Value evaluate(const Expression& expression, const connectors::Record& record,
                             Instant now);

// In a group rule, `each` names the value `for_each` gave (one of a list's items); elsewhere it
// is a source attribute like any other.
inline constexpr std::string_view k_each = "each";
[[nodiscard]] Value evaluate(const Expression& expression, const connectors::Record& record,
                             Instant now, const Value& each);

// Every function the expression calls, with where.
void collect_function_calls(const Expression& expression,
                            std::vector<std::pair<std::string, Position>>& out);

// The unique(...) call that is the whole expression (alone, or alone in a template), or null.
[[nodiscard]] const Call* unique_call(const Expression& expression);

// Every source attribute the expression reads, with where it is named.
void collect_attribute_refs(const Expression& expression,
                            std::vector<std::pair<std::string, Position>>& out);

} // namespace hr2scim::mappings
