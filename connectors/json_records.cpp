#include "connectors/json_records.hpp"

namespace hr2scim::connectors {
namespace {

using nlohmann::json;

// People are a few levels deep; a hostile API must not exhaust the stack.
constexpr int k_max_depth = 32;

void flatten_into(const json& value, const std::string& path, Attributes& out, int depth) {
    if (depth > k_max_depth) return;
    switch (value.type()) {
    case json::value_t::object:
        for (const auto& [key, member] : value.items())
            flatten_into(member, path.empty() ? key : path + "." + key, out, depth + 1);
        break;
    case json::value_t::array:
        for (const auto& element : value)
            flatten_into(element, path, out, depth + 1);
        break;
    case json::value_t::string:
        out[path].push_back(value.get<std::string>());
        break;
    case json::value_t::null:
    case json::value_t::discarded:
        break;
    default:
        out[path].push_back(value.dump());
        break; // numbers and booleans as JSON writes them
    }
}

const json* at_pointer(const json& page, const std::string& pointer) {
    try {
        json::json_pointer path(pointer);
        return page.contains(path) ? &page.at(path) : nullptr;
    } catch (const json::exception&) {
        return nullptr;
    }
}

} // namespace

Attributes flatten_json(const json& object) {
    Attributes attributes;
    flatten_into(object, "", attributes, 0);
    return attributes;
}

tl::expected<const json*, std::string> records_at(const json& page, const std::string& pointer) {
    const json* found = at_pointer(page, pointer);
    if (!found)
        return tl::unexpected("no " + (pointer.empty() ? std::string("array") : pointer) +
                              " in the page");
    if (!found->is_array())
        return tl::unexpected((pointer.empty() ? std::string("the page") : pointer) +
                              " is not an array");
    return found;
}

std::optional<std::string> text_at(const json& page, const std::string& pointer) {
    const json* found = at_pointer(page, pointer);
    if (!found || found->is_null()) return std::nullopt;
    std::string text = found->is_string() ? found->get<std::string>() : found->dump();
    if (text.empty()) return std::nullopt;
    return text;
}

} // namespace hr2scim::connectors
