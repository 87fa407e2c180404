#include "connectors/field_path.hpp"

#include <algorithm>
#include <charconv>

namespace hr2scim::connectors {
namespace {

using nlohmann::json;

// Arrays of arrays are walked into; a hostile record must not exhaust the stack.
constexpr int k_max_depth = 32;

bool usable_name(std::string_view name) {
    return !name.empty() && name.find_first_of("[]=") == std::string_view::npos;
}

std::vector<std::string> split_dots(std::string_view text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t dot = text.find('.', start);
        parts.emplace_back(text.substr(start, dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

std::optional<std::string> scalar_text(const json& value) {
    switch (value.type()) {
    case json::value_t::string:
        if (value.get_ref<const std::string&>().empty()) return std::nullopt;
        return value.get<std::string>();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
    case json::value_t::boolean:
        return value.dump();
    default:
        return std::nullopt;
    }
}

} // namespace

tl::expected<FieldPath, std::string> FieldPath::parse(std::string_view text) {
    FieldPath path;
    path.m_text = std::string(text);
    if (text.empty()) return tl::unexpected(std::string("a field path is empty"));
    size_t at = 0;
    while (at <= text.size()) {
        size_t end = at;
        while (end < text.size() && text[end] != '.' && text[end] != '[')
            ++end;
        Segment segment{std::string(text.substr(at, end - at)), std::nullopt};
        if (!usable_name(segment.name))
            return tl::unexpected("'" + path.m_text + "' has an empty member name at character " +
                                  std::to_string(at + 1));
        if (end < text.size() && text[end] == '[') {
            const size_t close = text.find(']', end);
            if (close == std::string_view::npos)
                return tl::unexpected("'" + path.m_text + "' has a '[' without its ']'");
            const std::string_view inside = text.substr(end + 1, close - end - 1);
            Selector selector;
            if (const size_t equals = inside.find('='); equals != std::string_view::npos) {
                selector.match_path = split_dots(inside.substr(0, equals));
                selector.match_value = std::string(inside.substr(equals + 1));
                if (!std::ranges::all_of(selector.match_path, usable_name))
                    return tl::unexpected("'" + path.m_text + "': the selector [" +
                                          std::string(inside) + "] needs a member path before '='");
            } else {
                size_t index = 0;
                auto parsed = std::from_chars(inside.data(), inside.data() + inside.size(), index);
                if (inside.empty() || parsed.ec != std::errc() ||
                    parsed.ptr != inside.data() + inside.size())
                    return tl::unexpected("'" + path.m_text + "': [" + std::string(inside) +
                                          "] is neither an index such as [0] nor a match such as "
                                          "[type=work]");
                selector.index = index;
            }
            segment.selector = std::move(selector);
            end = close + 1;
        }
        path.m_segments.push_back(std::move(segment));
        if (end == text.size()) break;
        if (text[end] != '.')
            return tl::unexpected("'" + path.m_text + "': expected '.' after ']' at character " +
                                  std::to_string(end + 1));
        at = end + 1;
        if (at == text.size()) return tl::unexpected("'" + path.m_text + "' ends with '.'");
    }
    return path;
}

bool FieldPath::matches(const json& element, const Selector& selector) {
    const json* node = &element;
    for (const auto& name : selector.match_path) {
        if (!node->is_object()) return false;
        auto member = node->find(name);
        if (member == node->end()) return false;
        node = &*member;
    }
    auto text = scalar_text(*node);
    return text && *text == selector.match_value;
}

void FieldPath::walk(const json& node, std::span<const Segment> rest, Found& found, int depth) {
    if (depth > k_max_depth) return;
    if (rest.empty()) {
        if (node.is_array()) {
            for (const auto& element : node)
                if (auto text = scalar_text(element)) found.values.push_back(std::move(*text));
        } else if (auto text = scalar_text(node)) {
            found.values.push_back(std::move(*text));
        }
        return;
    }
    if (node.is_array()) {
        for (const auto& element : node)
            walk(element, rest, found, depth + 1);
        return;
    }
    if (!node.is_object()) return;
    const Segment& segment = rest.front();
    auto member = node.find(segment.name);
    if (member == node.end()) return;
    const auto after = rest.subspan(1);
    if (after.empty()) found.present = true;
    if (!segment.selector) {
        walk(*member, after, found, depth + 1);
        return;
    }
    const Selector& selector = *segment.selector;
    if (!member->is_array()) {
        // One object where a list was documented: it is the list's only element.
        if (selector.index ? *selector.index == 0 : matches(*member, selector))
            walk(*member, after, found, depth + 1);
        return;
    }
    if (selector.index) {
        if (*selector.index < member->size())
            walk((*member)[*selector.index], after, found, depth + 1);
        return;
    }
    for (const auto& element : *member)
        if (matches(element, selector)) walk(element, after, found, depth + 1);
}

FieldPath::Found FieldPath::find(const json& record) const {
    Found found;
    walk(record, m_segments, found, 0);
    return found;
}

} // namespace hr2scim::connectors
