#include "mappings/expression.hpp"

#include "mappings/functions.hpp"

#include <charconv>

namespace hr2scim::mappings {
namespace {

std::optional<double> as_number(const std::string& text) {
    double number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return number;
}

// Numbers compare as numbers, everything else as text (ISO dates sort as text).
int compare(const Value& left, const Value& right) {
    std::string a = left.text(), b = right.text();
    auto x = as_number(a), y = as_number(b);
    if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
    return a < b ? -1 : (a > b ? 1 : 0);
}

const Function* const k_matches = find_function("matches");

struct Evaluator {
    const connectors::Record& record;
    Instant now;
    const Value* each = nullptr; // what `each` names in a group rule

    Value evaluate(const Expression& expression) const {
        return std::visit(*this, expression.node);
    }

    Value operator()(const Literal& literal) const { return literal.value; }
    Value operator()(const AttributeRef& ref) const {
        if (each && ref.name == k_each) return *each;
        auto found = record.values(ref.name);
        if (found.empty()) return {};
        if (found.size() == 1) return Value(found.front());
        return Value(List(found.begin(), found.end()));
    }
    Value operator()(const Call& call) const {
        const Function* function = call.resolved ? call.resolved : find_function(call.function);
        std::vector<Value> arguments;
        arguments.reserve(call.arguments.size() + 1);
        if (function->reads_clock) arguments.emplace_back(format_instant(now));
        for (const auto& argument : call.arguments)
            arguments.push_back(evaluate(*argument));
        return function->apply(arguments);
    }
    Value operator()(const Template& text) const {
        std::string out;
        for (const auto& part : text.parts)
            out += evaluate(*part).text();
        return Value(std::move(out));
    }
    Value operator()(const Operation& operation) const {
        Value first = evaluate(*operation.operands[0]);
        switch (operation.op) {
        case Operator::negate:
            return Value(!first.truthy());
        // `and` and `or` chains are one node with every operand (not a deep tree): evaluated in
        // a loop, stopping at the first operand that decides.
        case Operator::both:
            for (size_t i = 1; i < operation.operands.size() && first.truthy(); ++i)
                first = Value(evaluate(*operation.operands[i]).truthy());
            return Value(first.truthy());
        case Operator::either:
            for (size_t i = 1; i < operation.operands.size() && !first.truthy(); ++i)
                first = Value(evaluate(*operation.operands[i]).truthy());
            return Value(first.truthy());
        default:
            break;
        }
        Value second = evaluate(*operation.operands[1]);
        switch (operation.op) {
        case Operator::equal:
            return Value(first.text() == second.text());
        case Operator::not_equal:
            return Value(first.text() != second.text());
        case Operator::less:
            return Value(compare(first, second) < 0);
        case Operator::less_equal:
            return Value(compare(first, second) <= 0);
        case Operator::greater:
            return Value(compare(first, second) > 0);
        case Operator::greater_equal:
            return Value(compare(first, second) >= 0);
        case Operator::matches:
            return k_matches->apply({first, second});
        default:
            return {};
        }
    }
};

} // namespace

Value evaluate(const Expression& expression, const connectors::Record& record, Instant now) {
    return Evaluator{record, now}.evaluate(expression);
}

Value evaluate(const Expression& expression, const connectors::Record& record, Instant now,
               const Value& each) {
    return Evaluator{record, now, &each}.evaluate(expression);
}

void collect_function_calls(const Expression& expression,
                            std::vector<std::pair<std::string, Position>>& out) {
    std::visit(
        [&](const auto& node) {
            using Node = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<Node, Call>) {
                out.emplace_back(node.function, expression.position);
                for (const auto& argument : node.arguments)
                    collect_function_calls(*argument, out);
            } else if constexpr (std::is_same_v<Node, Template>) {
                for (const auto& part : node.parts)
                    collect_function_calls(*part, out);
            } else if constexpr (std::is_same_v<Node, Operation>) {
                for (const auto& operand : node.operands)
                    collect_function_calls(*operand, out);
            }
        },
        expression.node);
}

const Call* unique_call(const Expression& expression) {
    if (const auto* call = std::get_if<Call>(&expression.node))
        return call->function == "unique" ? call : nullptr;
    if (const auto* text = std::get_if<Template>(&expression.node))
        if (text->parts.size() == 1) return unique_call(*text->parts.front());
    return nullptr;
}

void collect_attribute_refs(const Expression& expression,
                            std::vector<std::pair<std::string, Position>>& out) {
    std::visit(
        [&](const auto& node) {
            using Node = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<Node, AttributeRef>) {
                out.emplace_back(node.name, expression.position);
            } else if constexpr (std::is_same_v<Node, Call>) {
                for (const auto& argument : node.arguments)
                    collect_attribute_refs(*argument, out);
            } else if constexpr (std::is_same_v<Node, Template>) {
                for (const auto& part : node.parts)
                    collect_attribute_refs(*part, out);
            } else if constexpr (std::is_same_v<Node, Operation>) {
                for (const auto& operand : node.operands)
                    collect_attribute_refs(*operand, out);
            }
        },
        expression.node);
}

} // namespace hr2scim::mappings
