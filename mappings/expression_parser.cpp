#include "mappings/expression_parser.hpp"

#include <cctype>

#include "mappings/functions.hpp"

namespace hr2scim::mappings {
namespace {

bool is_identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

std::string known_function_names() {
    std::string names;
    for (const auto& function : functions()) names += (names.empty() ? "" : ", ") + std::string(function.name);
    return names;
}

class Parser {
public:
    Parser(std::string_view text, Position start) : m_text(text), m_start(start) {}

    tl::expected<ExpressionPtr, ParseError> parse_template() {
        Template result;
        std::string literal;
        auto flush = [&](size_t at) {
            if (!literal.empty()) result.parts.push_back(make(Literal{std::move(literal)}, at));
            literal.clear();
        };
        while (m_at < m_text.size()) {
            char c = m_text[m_at];
            if ((c == '{' || c == '}') && peek(1) == c) {
                literal += c;
                m_at += 2;
            } else if (c == '}') {
                return fail("a lone `}`: write `}}` for a literal brace");
            } else if (c == '{') {
                flush(m_at);
                ++m_at;
                auto expression = parse_expression();
                if (!expression) return expression;
                skip_spaces();
                if (peek(0) != '}') return fail("expected `}` to close the placeholder");
                ++m_at;
                result.parts.push_back(std::move(*expression));
            } else {
                literal += c;
                ++m_at;
            }
        }
        flush(m_at);
        if (result.parts.size() == 1) return result.parts.front();
        return make(std::move(result), 0);
    }

private:
    char peek(size_t ahead) const {
        return m_at + ahead < m_text.size() ? m_text[m_at + ahead] : '\0';
    }

    void skip_spaces() {
        while (m_at < m_text.size() && (m_text[m_at] == ' ' || m_text[m_at] == '\t')) ++m_at;
    }

    Position position_of(size_t offset) const {
        Position position = m_start;
        for (size_t i = 0; i < offset && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++position.line;
                position.column = 1;
            } else {
                ++position.column;
            }
        }
        return position;
    }

    template <class Node> ExpressionPtr make(Node node, size_t offset) const {
        return std::make_shared<const Expression>(Expression{std::move(node), position_of(offset)});
    }

    tl::unexpected<ParseError> fail(std::string message) const {
        return tl::unexpected(ParseError{position_of(m_at), std::move(message)});
    }

    tl::expected<ExpressionPtr, ParseError> parse_expression() {
        skip_spaces();
        size_t start = m_at;
        char c = peek(0);
        if (c == '"') return parse_string();
        if (c == '[') return parse_bracketed_name();
        if (!is_identifier_start(c)) return fail("expected an attribute name, a \"string\" or a function call");
        while (is_identifier_char(peek(0))) ++m_at;
        std::string name(m_text.substr(start, m_at - start));
        skip_spaces();
        if (peek(0) != '(') return make(AttributeRef{std::move(name)}, start);
        return parse_call(std::move(name), start);
    }

    tl::expected<ExpressionPtr, ParseError> parse_call(std::string name, size_t start) {
        const Function* function = find_function(name);
        if (!function) {
            m_at = start;
            return fail("unknown function '" + name + "' (known: " + known_function_names() + ")");
        }
        ++m_at; // '('
        Call call{std::move(name), {}};
        skip_spaces();
        while (peek(0) != ')') {
            auto argument = parse_expression();
            if (!argument) return argument;
            call.arguments.push_back(std::move(*argument));
            skip_spaces();
            if (peek(0) == ',') {
                ++m_at;
            } else if (peek(0) != ')') {
                return fail("expected `,` or `)` in the call to " + call.function);
            }
        }
        ++m_at; // ')'
        size_t count = call.arguments.size();
        if (count < function->min_arguments || count > function->max_arguments) {
            m_at = start;
            return fail(call.function + " takes " + std::to_string(function->min_arguments) +
                        (function->max_arguments != function->min_arguments
                             ? " to " + std::to_string(function->max_arguments)
                             : "") +
                        " argument(s), not " + std::to_string(count));
        }
        return make(std::move(call), start);
    }

    tl::expected<ExpressionPtr, ParseError> parse_string() {
        size_t start = m_at++;
        std::string value;
        while (m_at < m_text.size() && m_text[m_at] != '"') {
            if (m_text[m_at] == '\\' && m_at + 1 < m_text.size()) ++m_at;
            value += m_text[m_at++];
        }
        if (m_at >= m_text.size()) {
            m_at = start;
            return fail("unterminated string");
        }
        ++m_at;
        return make(Literal{std::move(value)}, start);
    }

    tl::expected<ExpressionPtr, ParseError> parse_bracketed_name() {
        size_t start = m_at++;
        size_t close = m_text.find(']', m_at);
        if (close == std::string_view::npos) return fail("expected `]` to close the attribute name");
        std::string name(m_text.substr(m_at, close - m_at));
        if (name.empty()) return fail("empty attribute name");
        m_at = close + 1;
        return make(AttributeRef{std::move(name)}, start);
    }

    std::string_view m_text;
    Position m_start;
    size_t m_at = 0;
};

} // namespace

tl::expected<ExpressionPtr, ParseError> parse_template(std::string_view text, Position start) {
    return Parser(text, start).parse_template();
}

} // namespace hr2scim::mappings
