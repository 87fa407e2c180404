#include "scim/patch.hpp"

#include "scim/schema.hpp"
#include "scim/value_set.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

const json* member(const json& object, const std::string& key) {
    if (!object.is_object()) return nullptr;
    auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

std::optional<json> optional_copy(const json* value) {
    return value ? std::optional<json>(*value) : std::nullopt;
}

std::set<std::string> union_of_keys(const json& a, const json& b) {
    std::set<std::string> keys;
    for (const auto* object : {&a, &b})
        if (object->is_object())
            for (const auto& item : object->items())
                keys.insert(item.key());
    return keys;
}

void diff_members(const json& before, const json& after, const std::string& prefix,
                  std::vector<AttributeChange>& out);

// Complex single-valued attributes (name, the extension) change member by member, unless one
// side lacks the attribute entirely: then the whole object is set or removed.
void diff_attribute(const json* before, const json* after, const std::string& path,
                    const std::string& member_prefix, std::vector<AttributeChange>& out) {
    if (before && after && *before == *after) return;
    if (before && after && before->is_object() && after->is_object()) {
        diff_members(*before, *after, member_prefix, out);
        return;
    }
    out.push_back({path, optional_copy(before), optional_copy(after)});
}

void diff_members(const json& before, const json& after, const std::string& prefix,
                  std::vector<AttributeChange>& out) {
    for (const auto& key : union_of_keys(before, after)) {
        const json* old_value = member(before, key);
        const json* new_value = member(after, key);
        if (old_value && new_value && *old_value == *new_value) continue;
        out.push_back({prefix + key, optional_copy(old_value), optional_copy(new_value)});
    }
}

} // namespace

std::vector<AttributeChange> diff_bodies(const json& before, const json& after) {
    std::vector<AttributeChange> changes;
    for (const auto& key : union_of_keys(before, after)) {
        if (key == "schemas" || key == "id" || key == "meta") continue;
        const json* old_value = member(before, key);
        const json* new_value = member(after, key);
        if (key.starts_with("urn:")) {
            // Extension attributes always change one by one: some servers reject setting or
            // removing a whole extension object.
            static const json k_empty = json::object();
            diff_members(old_value ? *old_value : k_empty, new_value ? *new_value : k_empty,
                         key + ":", changes);
        } else if (is_value_set(key) && old_value && new_value &&
                   same_value_set(*old_value, *new_value)) {
            continue; // entitlements and roles are sets: another order is no change
        } else {
            diff_attribute(old_value, new_value, key, key + ".", changes);
        }
    }
    return changes;
}

void apply_change(json& body, const AttributeChange& change) {
    auto put = [&](json& container, const std::string& key) {
        if (change.after) {
            container[key] = *change.after;
        } else if (container.is_object()) {
            container.erase(key);
        }
    };
    const std::string& path = change.path;
    if (!body.is_object()) body = json::object();
    // Extension attributes always change one by one ("<URN>:department"); a complex attribute
    // by member ("name.givenName") or whole ("name"), like any other top-level attribute.
    if (!path.starts_with("urn:") && path.find('.') == std::string::npos) return put(body, path);
    if (path.starts_with("urn:")) {
        const auto colon = path.rfind(':');
        auto& extension = body[path.substr(0, colon)];
        put(extension, path.substr(colon + 1));
        if (extension.is_object() && extension.empty()) body.erase(path.substr(0, colon));
        return;
    }
    const auto dot = path.find('.');
    auto& complex = body[path.substr(0, dot)];
    put(complex, path.substr(dot + 1));
    if (complex.is_object() && complex.empty()) body.erase(path.substr(0, dot));
}

std::vector<std::vector<AttributeChange>>
identity_changes_apart(const std::vector<AttributeChange>& changes) {
    auto named = [](const AttributeChange& change, std::string_view name) {
        return std::ranges::equal(change.path, name, [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
        });
    };
    const bool user_name = std::ranges::any_of(
        changes, [&](const AttributeChange& change) { return named(change, "userName"); });
    auto active = std::ranges::find_if(
        changes, [&](const AttributeChange& change) { return named(change, "active"); });
    if (!user_name || active == changes.end()) return {changes};
    std::vector<AttributeChange> rest;
    for (const auto& change : changes)
        if (!named(change, "active")) rest.push_back(change);
    const bool deactivation =
        active->after && active->after->is_boolean() && !active->after->get<bool>();
    if (deactivation) return {{*active}, rest};
    return {rest, {*active}};
}

std::vector<PatchOperation> to_patch_operations(const std::vector<AttributeChange>& changes) {
    std::vector<PatchOperation> operations;
    operations.reserve(changes.size());
    for (const auto& change : changes) {
        if (change.after) {
            operations.push_back({"replace", change.path, change.after});
        } else {
            operations.push_back({"remove", change.path, std::nullopt});
        }
    }
    return operations;
}

json patch_request(const std::vector<PatchOperation>& operations, PatchStyle style) {
    json request = {{"schemas", {k_patch_op_message}}, {"Operations", json::array()}};
    for (const auto& operation : operations) {
        std::string op = operation.op;
        if (style == PatchStyle::entra && !op.empty())
            op[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(op[0])));
        json item = {{"op", op}, {"path", operation.path}};
        if (operation.value) {
            item["value"] = *operation.value;
            if (style == PatchStyle::entra && operation.value->is_boolean())
                item["value"] = operation.value->get<bool>() ? "True" : "False";
        }
        request["Operations"].push_back(std::move(item));
    }
    return request;
}

} // namespace hr2scim::scim
