#include "mappings/expression.hpp"

#include "mappings/functions.hpp"

namespace hr2scim::mappings {
namespace {

struct Evaluator {
    const connectors::Record& record;

    std::string operator()(const Literal& literal) const { return literal.value; }
    std::string operator()(const AttributeRef& ref) const { return std::string(record.value(ref.name)); }
    std::string operator()(const Call& call) const {
        std::vector<std::string> arguments;
        arguments.reserve(call.arguments.size());
        for (const auto& argument : call.arguments) arguments.push_back(evaluate(*argument, record));
        return find_function(call.function)->apply(arguments);
    }
    std::string operator()(const Template& text) const {
        std::string out;
        for (const auto& part : text.parts) out += evaluate(*part, record);
        return out;
    }
};

} // namespace

std::string evaluate(const Expression& expression, const connectors::Record& record) {
    return std::visit(Evaluator{record}, expression.node);
}

void collect_attribute_refs(const Expression& expression,
                            std::vector<std::pair<std::string, Position>>& out) {
    if (const auto* ref = std::get_if<AttributeRef>(&expression.node)) {
        out.emplace_back(ref->name, expression.position);
    } else if (const auto* call = std::get_if<Call>(&expression.node)) {
        for (const auto& argument : call->arguments) collect_attribute_refs(*argument, out);
    } else if (const auto* text = std::get_if<Template>(&expression.node)) {
        for (const auto& part : text->parts) collect_attribute_refs(*part, out);
    }
}

} // namespace hr2scim::mappings
