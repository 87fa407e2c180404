#include "scim/body_path.hpp"

namespace hr2scim::scim {
namespace {

using nlohmann::json;

json* typed_element(json& list, const std::string& type, bool create) {
    if (!list.is_array()) {
        if (!create) return nullptr;
        list = json::array();
    }
    for (auto& element : list)
        if (element.is_object() && element.value("type", "") == type) return &element;
    if (!create) return nullptr;
    list.push_back({{"type", type}});
    return &list.back();
}

const json* member(const json& object, const std::string& key) {
    if (!object.is_object()) return nullptr;
    auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

void erase_if_empty(json& parent, const std::string& key) {
    auto found = parent.find(key);
    if (found != parent.end() && (found->empty() || found->is_null())) parent.erase(found);
}

} // namespace

const json* value_at(const json& body, const AttributePath& path) {
    const json* top = member(body, path.schema.empty() ? path.attribute : path.schema);
    if (!top) return nullptr;
    if (!path.schema.empty()) return member(*top, path.attribute);
    if (path.filter) {
        if (!top->is_array()) return nullptr;
        for (const auto& element : *top)
            if (element.is_object() && element.value("type", "") == path.filter->value)
                return path.sub_attribute.empty() ? &element : member(element, path.sub_attribute);
        return nullptr;
    }
    return path.sub_attribute.empty() ? top : member(*top, path.sub_attribute);
}

void set_value(json& body, const AttributePath& path, json value) {
    if (!path.schema.empty()) {
        body[path.schema][path.attribute] = std::move(value);
    } else if (path.filter) {
        (*typed_element(body[path.attribute], path.filter->value, true))[path.sub_attribute] =
            std::move(value);
    } else if (!path.sub_attribute.empty()) {
        body[path.attribute][path.sub_attribute] = std::move(value);
    } else {
        body[path.attribute] = std::move(value);
    }
}

void erase_value(json& body, const AttributePath& path) {
    if (!body.is_object()) return;
    if (!path.schema.empty()) {
        if (auto extension = body.find(path.schema);
            extension != body.end() && extension->is_object()) {
            extension->erase(path.attribute);
            erase_if_empty(body, path.schema);
        }
        return;
    }
    auto top = body.find(path.attribute);
    if (top == body.end()) return;
    if (path.filter) {
        if (json* element = typed_element(*top, path.filter->value, false)) {
            element->erase(path.sub_attribute);
            if (!element->contains("value")) {
                json kept = json::array();
                for (auto& other : *top)
                    if (&other != element) kept.push_back(std::move(other));
                *top = std::move(kept);
            }
        }
    } else if (!path.sub_attribute.empty()) {
        if (top->is_object()) top->erase(path.sub_attribute);
    } else {
        body.erase(top);
        return;
    }
    erase_if_empty(body, path.attribute);
}

} // namespace hr2scim::scim
