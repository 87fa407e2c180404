#include "mappings/expression_parser.hpp"

#include "mappings/argument_checks.hpp"
#include "mappings/functions.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hr2scim::mappings {
namespace {

bool is_identifier_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

std::string known_function_names() {
    std::string names;
    for (const auto& function : functions())
        names += (names.empty() ? "" : ", ") + std::string(function.name);
    return names;
}

struct Comparison {
    std::string_view symbol;
    Operator op;
};
// Longest first, so "<=" is not read as "<".
constexpr std::array k_comparisons = {
    Comparison{"==", Operator::equal},      Comparison{"!=", Operator::not_equal},
    Comparison{"<=", Operator::less_equal}, Comparison{">=", Operator::greater_equal},
    Comparison{"=~", Operator::matches},    Comparison{"<", Operator::less},
    Comparison{">", Operator::greater}};

using Parsed = tl::expected<ExpressionPtr, ParseError>;

// Deeper nesting than any mapping needs is refused, so that no input can exhaust the stack
// (parsing and evaluation both recurse). Found by fuzz_expression.
constexpr int k_max_depth = 64;
constexpr size_t k_max_nodes = 2000; // values, names, calls and operators in one expression
constexpr size_t k_max_text = size_t{64} * 1024; // characters in one expression or template

class Parser {
  public:
    Parser(std::string_view text, Position start) : m_text(text), m_start(start) {}

    Parsed parse_template() {
        Template result;
        std::string literal;
        size_t literal_start = 0;
        auto flush = [&] {
            if (!literal.empty())
                result.parts.push_back(make(Literal{Value(std::move(literal))}, literal_start));
            literal.clear();
        };
        while (m_at < m_text.size()) {
            char c = m_text[m_at];
            if (literal.empty()) literal_start = m_at;
            if ((c == '{' || c == '}') && peek(1) == c) {
                literal += c;
                m_at += 2;
            } else if (c == '}') {
                return fail("a lone `}`: write `}}` for a literal brace");
            } else if (c == '{') {
                flush();
                ++m_at;
                auto expression = parse_or();
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
        flush();
        if (result.parts.size() == 1) return result.parts.front();
        return make(std::move(result), 0);
    }

    Parsed parse_whole_expression() {
        auto expression = parse_or();
        if (!expression) return expression;
        skip_spaces();
        if (m_at != m_text.size()) return fail("unexpected text after the expression");
        return expression;
    }

  private:
    char peek(size_t ahead) const {
        return m_at + ahead < m_text.size() ? m_text[m_at + ahead] : '\0';
    }

    void skip_spaces() {
        while (m_at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_at])))
            ++m_at;
    }

    // The keyword at the cursor (and, or, not), as a whole word.
    bool keyword(std::string_view word) const {
        return m_text.substr(m_at, word.size()) == word && !is_identifier_char(peek(word.size()));
    }

    // Line starts are found once, so each position costs a binary search, not a scan.
    Position position_of(size_t offset) const {
        if (m_line_starts.empty()) {
            m_line_starts.push_back(0);
            for (size_t i = 0; i < m_text.size(); ++i)
                if (m_text[i] == '\n') m_line_starts.push_back(i + 1);
        }
        offset = std::min(offset, m_text.size());
        auto line = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset) -
                    m_line_starts.begin() - 1;
        Position position = m_start;
        const size_t column = offset - m_line_starts[static_cast<size_t>(line)];
        if (line == 0) {
            position.column += static_cast<int>(column);
        } else {
            position.line += static_cast<int>(line);
            position.column = 1 + static_cast<int>(column);
        }
        return position;
    }

    template <class Node> ExpressionPtr make(Node node, size_t offset) {
        ++m_nodes;
        return std::make_shared<const Expression>(Expression{std::move(node), position_of(offset)});
    }

    // Every input has a bound: a text or a tree larger than any real mapping needs is refused
    // before it can cost time or stack (a 200,000-argument concat, a 10,000-term chain).
    [[nodiscard]] bool over_budget() const { return m_nodes > k_max_nodes; }

    tl::unexpected<ParseError> fail(std::string message) const {
        return tl::unexpected(ParseError{position_of(m_at), std::move(message)});
    }

    Parsed binary(Operator op, ExpressionPtr left, ExpressionPtr right, size_t offset) {
        return make(Operation{op, {std::move(left), std::move(right)}}, offset);
    }

    // Counts one level of nesting for as long as it lives.
    class Nesting {
      public:
        explicit Nesting(int& depth) : m_depth(++depth) {}
        ~Nesting() { --m_depth; }
        Nesting(const Nesting&) = delete;
        Nesting& operator=(const Nesting&) = delete;
        [[nodiscard]] bool too_deep() const { return m_depth > k_max_depth; }

      private:
        int& m_depth;
    };

    // `a or b or c`: one node with every operand, so a long chain is wide, not deep.
    template <class Width>
    Parsed chain(Operator op, Parsed left, size_t start, Width width_here,
                 Parsed (Parser::*next)()) {
        if (!left) return left;
        std::vector<ExpressionPtr> operands{*left};
        for (;;) {
            skip_spaces();
            size_t width = width_here();
            if (width == 0) break;
            m_at += width;
            auto right = (this->*next)();
            if (!right) return right;
            operands.push_back(std::move(*right));
        }
        if (operands.size() == 1) return operands.front();
        return make(Operation{op, std::move(operands)}, start);
    }

    Parsed parse_or() {
        Nesting nesting(m_depth);
        if (nesting.too_deep())
            return fail("the expression nests more than " + std::to_string(k_max_depth) +
                        " levels deep");
        skip_spaces();
        size_t start = m_at;
        auto left = parse_and();
        return chain(
            Operator::either, std::move(left), start,
            [this] { return keyword("or") ? 2 : (m_text.substr(m_at, 2) == "||" ? 2 : 0); },
            &Parser::parse_and);
    }

    Parsed parse_and() {
        skip_spaces();
        size_t start = m_at;
        auto left = parse_not();
        return chain(
            Operator::both, std::move(left), start,
            [this] { return keyword("and") ? 3 : (m_text.substr(m_at, 2) == "&&" ? 2 : 0); },
            &Parser::parse_not);
    }

    Parsed parse_not() {
        Nesting nesting(m_depth);
        if (nesting.too_deep())
            return fail("the expression nests more than " + std::to_string(k_max_depth) +
                        " levels deep");
        skip_spaces();
        size_t start = m_at;
        bool word = keyword("not");
        if (word || (peek(0) == '!' && peek(1) != '=')) {
            size_t after = m_at + (word ? 3 : 1);
            size_t probe = after;
            while (probe < m_text.size() && m_text[probe] == ' ')
                ++probe;
            if (!word || probe >= m_text.size() || m_text[probe] != '(') { // not(x) is the function
                m_at = after;
                auto operand = parse_not();
                if (!operand) return operand;
                return make(Operation{Operator::negate, {*operand}}, start);
            }
        }
        return parse_comparison();
    }

    Parsed parse_comparison() {
        skip_spaces();
        size_t start = m_at;
        auto left = parse_primary();
        if (!left) return left;
        skip_spaces();
        for (const auto& comparison : k_comparisons) {
            if (m_text.substr(m_at, comparison.symbol.size()) != comparison.symbol) continue;
            m_at += comparison.symbol.size();
            skip_spaces();
            size_t right_start = m_at;
            auto right = parse_primary();
            if (!right) return right;
            if (comparison.op == Operator::matches)
                if (auto problem = literal_pattern_problem(**right)) {
                    m_at = right_start;
                    return fail(*problem);
                }
            return binary(comparison.op, *left, *right, start);
        }
        return left;
    }

    static std::optional<std::string> literal_pattern_problem(const Expression& pattern) {
        const auto* literal = std::get_if<Literal>(&pattern.node);
        if (!literal) return std::nullopt;
        return check_pattern(literal->value.text());
    }

    // A time zone written in the mapping is checked at load, not when the first record needs it.
    static std::optional<std::string> literal_time_zone_problem(const Expression& zone) {
        const auto* literal = std::get_if<Literal>(&zone.node);
        if (!literal || find_time_zone(literal->value.text())) return std::nullopt;
        return "'" + literal->value.text() +
               "' is not a time zone (for example Europe/Berlin, UTC)";
    }

    Parsed parse_primary() {
        if (over_budget())
            return fail("the expression has more than " + std::to_string(k_max_nodes) +
                        " parts; split it up");
        skip_spaces();
        size_t start = m_at;
        char c = peek(0);
        if (c == '"') return parse_string();
        if (c == '[') return parse_bracketed_name();
        if (c == '(') {
            ++m_at;
            auto inner = parse_or();
            if (!inner) return inner;
            skip_spaces();
            if (peek(0) != ')') return fail("expected `)`");
            ++m_at;
            return inner;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) ||
            (c == '-' && std::isdigit(static_cast<unsigned char>(peek(1)))))
            return parse_number();
        if (!is_identifier_start(c))
            return fail("expected an attribute name, a \"string\", a number or a function call");
        while (is_identifier_char(peek(0)))
            ++m_at;
        std::string name(m_text.substr(start, m_at - start));
        size_t after_name = m_at;
        skip_spaces();
        if (peek(0) == '(') return parse_call(std::move(name), start);
        m_at = after_name;
        if (name == "true" || name == "false") return make(Literal{Value(name == "true")}, start);
        if (name == "null") return make(Literal{Value()}, start);
        return make(AttributeRef{std::move(name)}, start);
    }

    Parsed parse_number() {
        size_t start = m_at;
        if (peek(0) == '-') ++m_at;
        while (std::isdigit(static_cast<unsigned char>(peek(0))) || peek(0) == '.')
            ++m_at;
        return make(Literal{Value(std::string(m_text.substr(start, m_at - start)))}, start);
    }

    Parsed parse_call(std::string name, size_t start) {
        const Function* function = find_function(name);
        if (!function) {
            m_at = start;
            return fail("unknown function '" + name + "' (known: " + known_function_names() + ")");
        }
        ++m_at; // '('
        Call call{std::move(name), function, {}};
        std::vector<size_t> starts;
        skip_spaces();
        while (peek(0) != ')') {
            skip_spaces();
            starts.push_back(m_at);
            auto argument = parse_or();
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
        if (auto problem = arity_problem(*function, call.arguments.size())) {
            m_at = start;
            return fail(*problem);
        }
        if (auto problem = argument_count_problem(*function, call.arguments.size())) {
            m_at = start;
            return fail(*problem);
        }
        for (size_t i = 0; i < call.arguments.size(); ++i) {
            const auto* literal = std::get_if<Literal>(&call.arguments[i]->node);
            if (!literal) continue;
            if (auto problem = literal_argument_problem(*function, i, literal->value)) {
                m_at = starts[i];
                return fail(*problem);
            }
        }
        if ((call.function == "replace" || call.function == "matches") && call.arguments.size() > 1)
            if (auto problem = literal_pattern_problem(*call.arguments[1])) {
                m_at = starts[1];
                return fail(*problem);
            }
        if (call.function == "now" || call.function == "today")
            if (auto problem = literal_time_zone_problem(*call.arguments[0])) {
                m_at = starts[0];
                return fail(*problem);
            }
        return make(std::move(call), start);
    }

    static std::optional<std::string> arity_problem(const Function& function, size_t count) {
        if (count >= function.min_arguments && count <= function.max_arguments) return std::nullopt;
        std::string wanted = std::to_string(function.min_arguments);
        if (function.max_arguments == SIZE_MAX) {
            wanted += " or more";
        } else if (function.max_arguments != function.min_arguments) {
            wanted += " to " + std::to_string(function.max_arguments);
        }
        bool one = function.min_arguments == 1 && function.max_arguments == 1;
        return std::string(function.name) + " takes " + wanted +
               (one ? " argument" : " arguments") + ", not " + std::to_string(count) +
               "; for example " + std::string(function.example);
    }

    Parsed parse_string() {
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
        return make(Literal{Value(std::move(value))}, start);
    }

    Parsed parse_bracketed_name() {
        size_t start = m_at++;
        size_t close = m_text.find(']', m_at);
        if (close == std::string_view::npos)
            return fail("expected `]` to close the attribute name");
        std::string name(m_text.substr(m_at, close - m_at));
        if (name.empty()) return fail("empty attribute name");
        m_at = close + 1;
        return make(AttributeRef{std::move(name)}, start);
    }

    std::string_view m_text;
    Position m_start;
    size_t m_at = 0;
    int m_depth = 0;
    size_t m_nodes = 0;
    mutable std::vector<size_t> m_line_starts;
};

} // namespace

namespace {

tl::expected<ExpressionPtr, ParseError> within_bounds(std::string_view text, Position start,
                                                      bool is_template) {
    if (text.size() > k_max_text)
        return tl::unexpected(ParseError{start, "the expression is " + std::to_string(text.size()) +
                                                    " characters long, more than " +
                                                    std::to_string(k_max_text)});
    Parser parser(text, start);
    return is_template ? parser.parse_template() : parser.parse_whole_expression();
}

} // namespace

tl::expected<ExpressionPtr, ParseError> parse_template(std::string_view text, Position start) {
    return within_bounds(text, start, true);
}

tl::expected<ExpressionPtr, ParseError> parse_expression(std::string_view text, Position start) {
    return within_bounds(text, start, false);
}

} // namespace hr2scim::mappings
