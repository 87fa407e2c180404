#include "scim/write_check.hpp"

#include "scim/value_set.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

bool is_extension(const std::string& name) {
    return name.starts_with("urn:");
}

bool not_compared(const std::string& name) {
    return name == "schemas" || name == "id" || name == "meta" || name == "password";
}

std::string lower(std::string text) {
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// Items all typed ({"type": "work", ...}): merged and compared by type.
bool typed_items(const json& value) {
    return value.is_array() && !value.empty() && std::ranges::all_of(value, [](const json& item) {
               return item.is_object() && item.contains("type") && item["type"].is_string();
           });
}

std::set<std::string> types_of(const json& items) {
    std::set<std::string> types;
    if (!typed_items(items)) return types;
    for (const auto& item : items)
        types.insert(lower(item["type"].get<std::string>()));
    return types;
}

// `held`'s items of other types than `managed`, then `sent`'s.
json merge_items(const json& held, const json& sent, const std::set<std::string>& managed) {
    json merged = json::array();
    if (held.is_array())
        for (const auto& item : held)
            if (!item.is_object() || !item.contains("type") || !item["type"].is_string() ||
                !managed.contains(lower(item["type"].get<std::string>())))
                merged.push_back(item);
    if (sent.is_array())
        for (const auto& item : sent)
            merged.push_back(item);
    return merged;
}

bool same_value(const json& held, const json& sent, bool case_exact) {
    if (held == sent) return true;
    if (held.is_string() && sent.is_string())
        return !case_exact && lower(held.get<std::string>()) == lower(sent.get<std::string>());
    if (sent.is_boolean() && held.is_string())
        return lower(held.get<std::string>()) == (sent.get<bool>() ? "true" : "false");
    if (held.is_number() && sent.is_number()) return held.get<double>() == sent.get<double>();
    return false;
}

class Checker {
  public:
    explicit Checker(WriteCheck& check) : m_check(check) {}

    // One top-level attribute, or one extension's attribute (`path` as apply_change takes it).
    void attribute(const std::string& path, const json* held, const json& sent, bool case_exact) {
        if (sent.is_null()) return;
        if (!held || held->is_null()) {
            m_check.dropped.push_back(path);
            return;
        }
        if (sent.is_object() && held->is_object()) {
            complex(path, *held, sent);
            return;
        }
        if (sent.is_array() && is_value_set(path)) {
            value_set(path, *held, sent);
            return;
        }
        if (sent.is_array()) {
            multi_valued(path, *held, sent);
            return;
        }
        if (!same_value(*held, sent, case_exact)) m_check.kept.push_back({path, path, *held, sent});
    }

  private:
    // name.givenName one by one; an extension's complex attribute (manager) by its members.
    void complex(const std::string& path, const json& held, const json& sent) {
        const bool in_extension = is_extension(path);
        for (const auto& [member, value] : sent.items()) {
            if (value.is_null() || (in_extension && member == "$ref")) continue;
            auto found = held.find(member);
            const std::string shown = path + "." + member;
            if (found == held.end() || found->is_null()) {
                // Within an extension's complex value, or name.*: a member it does not keep.
                if (in_extension) {
                    m_check.kept.push_back({path, shown, json(nullptr), value});
                } else {
                    m_check.dropped.push_back(shown);
                }
                continue;
            }
            if (!same_value(*found, value, false))
                m_check.kept.push_back({in_extension ? path : shown, shown, *found, value});
        }
    }

    // entitlements, roles: the same set, in any order. An item is the same by its value (and its
    // type when one was sent); one the target holds that was not sent (a removal it did not
    // take) counts as much as one it lacks.
    void value_set(const std::string& path, const json& held, const json& sent) {
        auto same_item = [](const json& held_item, const json& sent_item) {
            if (!held_item.is_object() || !sent_item.is_object()) return false;
            for (const char* member : {"value", "type"}) {
                auto wanted = sent_item.find(member);
                if (wanted == sent_item.end()) continue;
                auto found = held_item.find(member);
                if (found == held_item.end() || !same_value(*found, *wanted, false)) return false;
            }
            return true;
        };
        auto in = [&](const json& list, const json& item, bool item_is_held) {
            return std::any_of(list.begin(), list.end(), [&](const json& other) {
                return item_is_held ? same_item(item, other) : same_item(other, item);
            });
        };
        const bool taken = held.is_array() &&
                           std::all_of(sent.begin(), sent.end(),
                                       [&](const json& item) { return in(held, item, false); }) &&
                           std::all_of(held.begin(), held.end(),
                                       [&](const json& item) { return in(sent, item, true); });
        if (!taken) m_check.kept.push_back({path, path, held, sent});
    }

    // By type where every sent item has one; otherwise the whole list, in any order.
    void multi_valued(const std::string& path, const json& held, const json& sent) {
        if (!held.is_array()) {
            m_check.kept.push_back({path, path, held, sent});
            return;
        }
        if (!typed_items(sent)) {
            const bool all_found = std::ranges::all_of(sent, [&](const json& item) {
                return std::ranges::any_of(held, [&](const json& h) { return covers(h, item); });
            });
            if (!all_found) m_check.kept.push_back({path, path, held, sent});
            return;
        }
        for (const auto& item : sent) {
            const std::string type = item["type"].get<std::string>();
            const json* match = nullptr;
            for (const auto& candidate : held)
                if (candidate.is_object() && candidate.contains("type") &&
                    same_value(candidate["type"], item["type"], false))
                    match = &candidate;
            for (const auto& [member, value] : item.items()) {
                if (member == "type" || value.is_null()) continue;
                const json* found = nullptr;
                if (match && match->contains(member)) found = &(*match)[member];
                if (found && same_value(*found, value, false)) continue;
                // Targets often leave out primary: false, or display.
                if (!found && member != "value") continue;
                m_check.kept.push_back({path, path + "[" + type + "]." + member,
                                        found ? *found : json(nullptr), value});
            }
        }
    }

    static bool covers(const json& held, const json& sent) {
        if (!sent.is_object() || !held.is_object()) return same_value(held, sent, false);
        for (const auto& [member, value] : sent.items()) {
            auto found = held.find(member);
            if (!value.is_null() && (found == held.end() || !same_value(*found, value, false)))
                return false;
        }
        return true;
    }

    WriteCheck& m_check;
};

std::string shown_value(const json& value) {
    if (value.is_null()) return "nothing";
    std::string text = value.is_string()
                           ? value.get<std::string>()
                           : value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 120) text = text.substr(0, 117) + "...";
    return text;
}

} // namespace

json merge_managed(const json& held, const json& body,
                   const std::vector<AttributeChange>& changes) {
    json merged = held.is_object() ? held : json::object();
    merged.erase("meta");
    // What the changes remove: extension and complex members, whole attributes, and the types
    // of a multi-valued attribute's items (their `before` says which).
    std::map<std::string, std::set<std::string>> removed_types;
    for (const auto& change : changes) {
        if (change.after) continue;
        if (change.before && typed_items(*change.before) && !is_extension(change.path) &&
            change.path.find('.') == std::string::npos && !is_value_set(change.path)) {
            removed_types[change.path] = types_of(*change.before);
            continue;
        }
        if (change.path.find('[') == std::string::npos)
            apply_change(merged, {change.path, change.before, json(nullptr)});
    }
    for (const auto& [name, value] : body.items()) {
        if (name == "schemas" || name == "meta") continue;
        auto held_value = merged.find(name);
        if (value.is_object() && held_value != merged.end() && held_value->is_object()) {
            for (const auto& [member, member_value] : value.items())
                (*held_value)[member] = member_value;
        } else if (typed_items(value) && !is_value_set(name) && held_value != merged.end() &&
                   held_value->is_array()) {
            auto managed = types_of(value);
            if (auto removed = removed_types.find(name); removed != removed_types.end())
                managed.insert(removed->second.begin(), removed->second.end());
            merged[name] = merge_items(*held_value, value, managed);
        } else {
            merged[name] = value;
        }
    }
    for (const auto& [name, types] : removed_types) {
        if (body.contains(name)) continue; // merged above
        auto held_value = merged.find(name);
        if (held_value == merged.end() || !held_value->is_array()) continue;
        json kept = merge_items(*held_value, json::array(), types);
        if (kept.empty()) {
            merged[name] = nullptr;
        } else {
            merged[name] = std::move(kept);
        }
    }
    json schemas = held.is_object() && held.contains("schemas") && held["schemas"].is_array()
                       ? held["schemas"]
                       : json::array();
    if (auto sent = body.find("schemas"); sent != body.end() && sent->is_array())
        for (const auto& schema : *sent)
            if (std::ranges::find(schemas, schema) == schemas.end()) schemas.push_back(schema);
    if (!schemas.empty()) merged["schemas"] = std::move(schemas);
    return merged;
}

WriteCheck check_written(const json& sent, const json& answered) {
    WriteCheck check;
    if (!sent.is_object()) return check;
    Checker checker(check);
    const json empty = json::object();
    const json& held = answered.is_object() ? answered : empty;
    for (const auto& [name, value] : sent.items()) {
        if (not_compared(name)) continue;
        auto found = held.find(name);
        const json* held_value = found == held.end() ? nullptr : &*found;
        if (is_extension(name) && value.is_object()) {
            for (const auto& [member, member_value] : value.items()) {
                const json* held_member = nullptr;
                if (held_value && held_value->is_object())
                    if (auto in = held_value->find(member); in != held_value->end())
                        held_member = &*in;
                checker.attribute(name + ":" + member, held_member, member_value, false);
            }
            continue;
        }
        checker.attribute(name, held_value, value, name == "externalId");
    }
    return check;
}

std::string describe(const WriteCheck& check) {
    std::string text;
    auto add = [&](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
    for (const auto& item : check.kept)
        add("target kept " + item.shown + " = " + shown_value(item.held) + "; sent " +
            shown_value(item.sent));
    for (const auto& path : check.dropped)
        add("target dropped " + path);
    return text;
}

const json* value_at_change_path(const json& body, const std::string& path) {
    if (!body.is_object()) return nullptr;
    std::string outer = path, inner;
    if (path.starts_with("urn:")) {
        const auto colon = path.rfind(':');
        outer = path.substr(0, colon);
        inner = path.substr(colon + 1);
    } else if (const auto dot = path.find('.'); dot != std::string::npos) {
        outer = path.substr(0, dot);
        inner = path.substr(dot + 1);
    }
    auto found = body.find(outer);
    if (found == body.end()) return nullptr;
    if (inner.empty()) return &*found;
    if (!found->is_object()) return nullptr;
    auto member = found->find(inner);
    return member == found->end() ? nullptr : &*member;
}

void record_held(json& body, const json& resource, const WriteCheck& check) {
    std::set<std::string> done;
    for (const auto& item : check.kept) {
        if (!done.insert(item.path).second) continue;
        const json* held = value_at_change_path(resource, item.path);
        apply_change(body, {item.path, std::nullopt,
                            held && !held->is_null() ? std::optional<json>(*held) : std::nullopt});
    }
}

bool drop_attributes(json& body, const std::set<std::string>& paths) {
    if (!body.is_object() || paths.empty()) return false;
    bool dropped = false;
    for (const auto& spelt_path : paths) {
        const std::string path = lower(spelt_path);
        // Find the attribute as the body spells it.
        std::optional<std::string> spelt;
        if (path.starts_with("urn:")) {
            const auto colon = path.rfind(':');
            for (const auto& [name, value] : body.items()) {
                if (lower(name) != path.substr(0, colon) || !value.is_object()) continue;
                for (const auto& [member, unused] : value.items())
                    if (lower(member) == path.substr(colon + 1)) spelt = name + ":" + member;
            }
        } else {
            const auto dot = path.find('.');
            for (const auto& [name, value] : body.items()) {
                if (lower(name) != path.substr(0, dot)) continue;
                if (dot == std::string::npos) {
                    spelt = name;
                } else if (value.is_object()) {
                    for (const auto& [member, unused] : value.items())
                        if (lower(member) == path.substr(dot + 1)) spelt = name + "." + member;
                }
            }
        }
        if (!spelt) continue;
        apply_change(body, {*spelt, std::nullopt, std::nullopt});
        dropped = true;
    }
    return dropped;
}

} // namespace hr2scim::scim
