#include "mappings/yaml_errors.hpp"

#include <array>
#include <utility>

namespace hr2scim::mappings {
namespace {

// The line `line` (counting from 0) of `text`.
std::string_view line_of(std::string_view text, int line) {
    size_t start = 0;
    for (int i = 0; i < line; ++i) {
        const size_t end = text.find('\n', start);
        if (end == std::string_view::npos) return {};
        start = end + 1;
    }
    const size_t end = text.find('\n', start);
    return text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
}

bool tab_in_indentation(std::string_view line) {
    for (char c : line) {
        if (c == '\t') return true;
        if (c != ' ') return false;
    }
    return false;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> k_hints = {{
    {"illegal map value", "usually a key indented more or less than the keys beside it, or a "
                          "value holding ': ' that needs quotes"},
    {"end of map not found", "usually a line indented differently from the block it belongs to"},
    {"end of sequence not found", "usually an item ('- ') indented differently from the items "
                                  "beside it"},
    {"end of map flow not found", "a '{' without its closing '}' (or a quote left open)"},
    {"end of sequence flow not found", "a '[' without its closing ']' (or a quote left open)"},
    {"illegal flow end", "a '}' or ']' without its opening '{' or '['"},
    {"illegal EOF in scalar", "a quote opened and never closed"},
    {"illegal block entry", "an item ('- ') where a key was expected: check its indentation"},
}};

} // namespace

std::string yaml_parse_error(const YAML::Exception& error, std::string_view text) {
    if (error.mark.line >= 0 && tab_in_indentation(line_of(text, error.mark.line)))
        return error.msg + "; a tab in the indentation: YAML indents with spaces only";
    for (const auto& [message, hint] : k_hints)
        if (error.msg == message) return error.msg + "; " + std::string(hint);
    return error.msg;
}

} // namespace hr2scim::mappings
