#pragma once
// A mapping file as its loaders read it: where a node is (file:line:column, for messages), and
// its templates and conditions parsed, with any error at the place it was written.

#include "mappings/expression.hpp"
#include "mappings/expression_parser.hpp"
#include "mappings/mapping.hpp"

#include <filesystem>
#include <string>
#include <yaml-cpp/yaml.h>

namespace hr2scim::mappings {

class MappingText {
  public:
    explicit MappingText(std::filesystem::path label) : m_label(std::move(label)) {}

    [[nodiscard]] const std::filesystem::path& label() const { return m_label; }

    // "mapping.yaml:12:5: ", to start a message with.
    [[nodiscard]] std::string where(const YAML::Mark& mark) const {
        return m_label.string() + ":" + std::to_string(mark.line + 1) + ":" +
               std::to_string(mark.column + 1) + ": ";
    }

    [[nodiscard]] static Position position_of(const YAML::Node& node) {
        // A quoted scalar's text starts one column after its mark.
        int quote = node.Tag() == "!" ? 1 : 0;
        return {node.Mark().line + 1, node.Mark().column + 1 + quote};
    }

    [[nodiscard]] MappingError error_at(const ParseError& error) const {
        return MappingError(m_label.string() + ":" + std::to_string(error.position.line) + ":" +
                            std::to_string(error.position.column) + ": " + error.message);
    }

    // A template ("{lower(email)}@example.com"), or plain text.
    [[nodiscard]] ExpressionPtr parse(const std::string& text, Position position) const {
        auto parsed = parse_template(text, position);
        if (!parsed) throw error_at(parsed.error());
        return *parsed;
    }

    // A condition ('worker_type == "Employee"').
    [[nodiscard]] ExpressionPtr condition(const YAML::Node& value) const {
        auto parsed = parse_expression(value.Scalar(), position_of(value));
        if (!parsed) throw error_at(parsed.error());
        return *parsed;
    }

  protected:
    std::filesystem::path m_label;
};

} // namespace hr2scim::mappings
