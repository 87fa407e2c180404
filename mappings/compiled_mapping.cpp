#include "mappings/compiled_mapping.hpp"

#include "connectors/utf8.hpp"
#include "mappings/decisions.hpp"
#include "mappings/group_membership.hpp"
#include "mappings/rule_value.hpp"
#include "scim/json_text.hpp"
#include "scim/schema.hpp"

#include <algorithm>
#include <climits>
#include <map>

namespace hr2scim::mappings {
namespace {

using nlohmann::json;
using Compiled = CompiledMapping;

// A rule's value for one record, in a slot the thread reuses.
struct Slot {
    bool set = false;
    bool is_flag = false;
    bool flag = false;
    std::string text;
};

// What the compiler gathers before laying the entries out in dump()'s order.
struct EntryDraft {
    Compiled::Kind kind = Compiled::Kind::scalar;
    int slot = -1;
    std::map<std::string, int> members;          // object, extension
    std::map<std::string, int> elements_by_type; // typed_list: element indexes
};

// How a rule reads the record: one column, text pieces and columns, or the evaluator.
// A call whose arguments are all columns and constants, read without the tree's evaluator.
bool choose_call(Compiled::Rule& compiled, const Expression& expression, bool as_text) {
    const auto* call = std::get_if<Call>(&expression.node);
    if (!call) return false;
    const Function* function = call->resolved ? call->resolved : find_function(call->function);
    if (!function || function->reads_clock) return false;
    std::vector<Compiled::Argument> arguments;
    for (const auto& argument : call->arguments) {
        if (const auto* ref = std::get_if<AttributeRef>(&argument->node)) {
            arguments.push_back({{}, ref->name});
        } else if (const auto* literal = std::get_if<Literal>(&argument->node)) {
            arguments.push_back({literal->value, {}});
        } else {
            return false;
        }
    }
    compiled.reading = Compiled::Reading::call;
    compiled.function = function;
    compiled.arguments = std::move(arguments);
    compiled.as_text = as_text;
    return true;
}

void choose_reading(Compiled::Rule& compiled) {
    const Expression& value = *compiled.rule->value;
    if (const auto* ref = std::get_if<AttributeRef>(&value.node)) {
        compiled.reading = Compiled::Reading::column;
        compiled.column = ref->name;
        return;
    }
    if (choose_call(compiled, value, false)) return;
    const auto* text = std::get_if<Template>(&value.node);
    if (!text) return;
    if (text->parts.size() == 1 && choose_call(compiled, *text->parts.front(), true)) return;
    std::vector<Compiled::Piece> pieces;
    for (const auto& part : text->parts) {
        if (const auto* ref = std::get_if<AttributeRef>(&part->node)) {
            pieces.push_back({{}, ref->name});
        } else if (const auto* literal = std::get_if<Literal>(&part->node)) {
            pieces.push_back({literal->value.text(), {}});
        } else {
            return; // a function or a condition: the evaluator
        }
    }
    compiled.reading = Compiled::Reading::pieces;
    compiled.pieces = std::move(pieces);
}

// A column's text as the evaluator gives it in a template: nothing, the value, or a list's
// values joined with ", ".
void append_column(std::string& out, const connectors::Record& record, const std::string& column) {
    const size_t start = out.size(); // as Value::text(): no ", " before the first text
    for (const auto& item : record.values(column)) {
        if (out.size() > start) out += ", ";
        out += item;
    }
}

// As the evaluator calls the function (expression.cpp): a missing column is nothing, one value
// its text, more a list; in a template the value's text. The arguments are the thread's, their
// texts' room kept from one record to the next.
Value call(const Compiled::Rule& compiled, const connectors::Record& record) {
    thread_local std::vector<Value> arguments;
    arguments.resize(compiled.arguments.size());
    for (size_t i = 0; i < compiled.arguments.size(); ++i) {
        const auto& argument = compiled.arguments[i];
        Value& out = arguments[i];
        if (argument.column.empty()) {
            out = argument.constant;
            continue;
        }
        const auto found = record.values(argument.column);
        if (found.size() > 1) {
            out = Value(List(found.begin(), found.end()));
        } else if (found.empty()) {
            out = Value();
        } else if (auto* text = std::get_if<std::string>(&out.data)) {
            text->assign(found.front());
        } else {
            out = Value(found.front());
        }
    }
    Value result = compiled.function->apply(arguments);
    if (!compiled.as_text) return result;
    if (std::holds_alternative<std::string>(result.data)) return result;
    return Value(result.text());
}

void append_member_value(std::string& out, const Slot& slot) {
    if (slot.is_flag) {
        out += slot.flag ? "true" : "false";
    } else {
        scim::append_json_string(out, slot.text);
    }
}

// A member's name as written after the one before it: `,"name":`. Written once per program;
// a body then takes it in one piece, the comma left out for an object's first member.
std::string key_text(std::string_view name) {
    std::string text = ",";
    scim::append_json_string(text, name);
    text += ':';
    return text;
}

void append_key(std::string& out, bool& first, std::string_view text) {
    out.append(first ? text.substr(1) : text);
    first = false;
}

// An object's members in their order: the slots that are set, an element's type, the manager.
void append_members(std::string& out, const std::vector<Compiled::Member>& members,
                    const std::vector<Slot>& slots, const std::string* manager,
                    std::string_view type) {
    out += '{';
    bool first = true;
    for (const auto& member : members) {
        if (member.slot == Compiled::k_type_member) {
            append_key(out, first, member.key_text);
            scim::append_json_string(out, type);
        } else if (member.slot == Compiled::k_manager_member) {
            if (!manager) continue;
            append_key(out, first, member.key_text);
            out += "{\"value\":";
            scim::append_json_string(out, *manager);
            out += '}';
        } else if (const auto& slot = slots[static_cast<size_t>(member.slot)]; slot.set) {
            append_key(out, first, member.key_text);
            append_member_value(out, slot);
        }
    }
    out += '}';
}

} // namespace

std::shared_ptr<const CompiledMapping> CompiledMapping::compile(const Mapping& mapping) {
    auto program = std::make_shared<CompiledMapping>();
    program->m_mapping = &mapping;
    std::map<std::string, EntryDraft> drafts;
    std::map<std::string, int> slots_by_path;
    const std::string enterprise(scim::k_enterprise_user_schema);
    bool has_manager = false;
    // The draft for a key, or null when the key is already laid out in another shape (name as
    // text and name.givenName): set_value() would fail on such a body; the tree path says so.
    auto draft_for = [&](const std::string& key, Kind kind) -> EntryDraft* {
        auto [draft, created] = drafts.try_emplace(key);
        if (created) draft->second.kind = kind;
        return draft->second.kind == kind ? &draft->second : nullptr;
    };
    auto slot_for = [&](const scim::AttributePath& path) {
        auto [found, created] = slots_by_path.try_emplace(path.to_string(), program->m_slots);
        if (created) ++program->m_slots;
        return found->second;
    };
    for (const auto& rule : mapping.rules) {
        if (rule.type == ValueType::value_list) return nullptr;
        Rule compiled;
        compiled.rule = &rule;
        choose_reading(compiled);
        const auto& path = rule.target;
        if (rule.type == ValueType::manager_key) {
            has_manager = true;
            program->m_rules.push_back(std::move(compiled));
            continue;
        }
        compiled.slot = slot_for(path);
        if (!path.schema.empty()) {
            if (path.filter || !path.sub_attribute.empty() || path.attribute == "manager")
                return nullptr;
            auto* draft = draft_for(path.schema, Kind::extension);
            if (!draft) return nullptr;
            draft->members.emplace(path.attribute, compiled.slot);
        } else if (path.attribute == "schemas" || path.attribute.starts_with("urn:")) {
            return nullptr;
        } else if (path.filter) {
            if (path.sub_attribute.empty() || path.sub_attribute == "type") return nullptr;
            auto* draft = draft_for(path.attribute, Kind::typed_list);
            if (!draft) return nullptr;
            auto [element, created] = draft->elements_by_type.try_emplace(
                path.filter->value, static_cast<int>(program->m_elements.size()));
            if (created) {
                const bool needs_value = path.attribute == "emails" ||
                                         path.attribute == "phoneNumbers" ||
                                         path.attribute == "addresses";
                program->m_elements.push_back(
                    {path.filter->value, {{"type", k_type_member}}, needs_value});
            }
            compiled.element = element->second;
            auto& members = program->m_elements[static_cast<size_t>(element->second)].members;
            if (std::ranges::find(members, path.sub_attribute, &Member::name) == members.end())
                members.push_back({path.sub_attribute, compiled.slot});
        } else if (!path.sub_attribute.empty()) {
            auto* draft = draft_for(path.attribute, Kind::object);
            if (!draft) return nullptr;
            draft->members.emplace(path.sub_attribute, compiled.slot);
        } else {
            auto* draft =
                draft_for(path.attribute, path.attribute == "active" ? Kind::active : Kind::scalar);
            if (!draft) return nullptr;
            draft->slot = compiled.slot;
            if (path.attribute == "userName") program->m_user_name_slot = compiled.slot;
        }
        program->m_rules.push_back(std::move(compiled));
    }
    if (!draft_for("active", Kind::active) || !draft_for("schemas", Kind::schemas)) return nullptr;
    if (has_manager) {
        auto* draft = draft_for(enterprise, Kind::extension);
        if (!draft) return nullptr;
        draft->members.emplace("manager", k_manager_member);
    }
    for (auto& element : program->m_elements) {
        std::ranges::sort(element.members, {}, &Member::name);
        for (auto& member : element.members)
            member.key_text = key_text(member.name);
    }
    for (auto& [key, draft] : drafts) {
        Entry entry{key, draft.kind, draft.slot, {}, {}, key_text(key), key == enterprise};
        for (const auto& [name, slot] : draft.members)
            entry.members.push_back({name, slot, key_text(name)});
        for (const auto& [type, element] : draft.elements_by_type)
            entry.elements.push_back(element);
        program->m_entries.push_back(std::move(entry));
    }
    return program;
}

tl::expected<scim::DesiredResource, std::string>
CompiledMapping::map(const connectors::Record& record, Instant now,
                     const ManagerIdOf& manager_id) const {
    thread_local std::vector<Slot> slots;
    thread_local std::vector<int> touched; // the order each typed element was first given a value
    thread_local std::string pieces;
    slots.resize(static_cast<size_t>(m_slots));
    for (auto& slot : slots)
        slot.set = false;
    touched.assign(m_elements.size(), INT_MAX);
    int touches = 0;

    scim::DesiredResource desired;
    desired.key = record.key;
    desired.origin = record.origin;
    for (const auto& compiled : m_rules) {
        const AttributeRule& rule = *compiled.rule;
        if (rule.create_only) desired.edit_details().keep_as_sent.push_back(rule.target);
        std::string_view text; // the value when it is one text (no list, no boolean)
        Value value;           // otherwise
        bool is_text = false;
        std::vector<std::string> candidates;
        try {
            if (rule.unique) {
                // unique() is coalesce(): its value is the first candidate, or nothing. The tree
                // evaluates it and then each candidate again; once is enough.
                candidates = unique_candidates(rule, record, now);
                if (!candidates.empty()) value = Value(candidates.front());
            } else {
                switch (compiled.reading) {
                case Reading::column: {
                    auto found = record.values(compiled.column);
                    if (found.size() > 1) {
                        value = Value(List(found.begin(), found.end()));
                    } else {
                        if (!found.empty()) text = found.front();
                        is_text = true;
                    }
                    break;
                }
                case Reading::pieces:
                    pieces.clear();
                    for (const auto& piece : compiled.pieces) {
                        if (piece.column.empty()) {
                            pieces += piece.literal;
                        } else {
                            append_column(pieces, record, piece.column);
                        }
                    }
                    text = pieces;
                    is_text = true;
                    break;
                case Reading::call:
                    value = call(compiled, record);
                    break;
                case Reading::evaluated:
                    value = evaluate(*rule.value, record, now);
                    break;
                }
            }
            bool empty = is_text ? text.empty() : value.is_empty();
            if (empty && rule.default_value) {
                value = evaluate(*rule.default_value, record, now);
                is_text = false;
                empty = value.is_empty();
            }
            if (rule.unique)
                desired.edit_details().unique.push_back({rule.target, std::move(candidates)});
            if (empty) { // an empty source value clears the attribute, or leaves the target's
                if (rule.leave_when_empty && !rule.create_only)
                    desired.edit_details().keep_as_sent.push_back(rule.target);
                continue;
            }
        } catch (const EvaluationError& error) {
            return tl::unexpected(rule.target.to_string() + ": " + error.what());
        }
        std::string* out_text = nullptr;
        if (rule.type == ValueType::manager_key) {
            desired.manager_key.emplace();
            out_text = &*desired.manager_key;
        } else {
            auto& slot = slots[static_cast<size_t>(compiled.slot)];
            slot.set = true;
            slot.is_flag = false;
            out_text = &slot.text;
            if (compiled.element >= 0 && touched[static_cast<size_t>(compiled.element)] == INT_MAX)
                touched[static_cast<size_t>(compiled.element)] = touches++;
        }
        if (is_text && rule.type != ValueType::boolean &&
            !connectors::find_invalid_utf8(text).has_value()) {
            out_text->assign(text);
            continue;
        }
        auto scalar = scalar_of(rule, is_text ? Value(std::string(text)) : value);
        if (!scalar) return tl::unexpected(std::move(scalar.error()));
        if (const auto* flag = std::get_if<bool>(&*scalar)) {
            auto& slot = slots[static_cast<size_t>(compiled.slot)];
            slot.is_flag = true;
            slot.flag = *flag;
        } else {
            *out_text = std::move(std::get<std::string>(*scalar));
        }
    }
    if (m_user_name_slot < 0 || !slots[static_cast<size_t>(m_user_name_slot)].set)
        return tl::unexpected(std::string("userName is empty"));
    // The scope and the lifecycle decide on a tree they may set `active` in.
    if (auto problem = decide(*m_mapping, record, now, desired)) return tl::unexpected(*problem);
    const bool decided_inactive = desired.body.is_object();
    desired.body = nullptr;
    if (!m_mapping->groups.empty()) {
        auto groups = derive_groups(*m_mapping, record, now);
        if (!groups) return tl::unexpected(groups.error());
        desired.groups = std::move(*groups);
    }
    const std::string* manager =
        desired.manager_key && manager_id ? manager_id(*desired.manager_key) : nullptr;

    // What each entry holds, before any is written: `schemas` lists the extensions.
    thread_local std::vector<char> present;
    thread_local std::vector<int> elements;
    present.assign(m_entries.size(), 0);
    const std::string_view enterprise = scim::k_enterprise_user_schema;
    bool enterprise_present = false;
    auto element_kept = [&](int index) {
        if (touched[static_cast<size_t>(index)] == INT_MAX) return false;
        const auto& element = m_elements[static_cast<size_t>(index)];
        if (!element.needs_value) return true;
        return std::ranges::any_of(element.members, [&](const Member& member) {
            return member.slot >= 0 && member.name != "primary" &&
                   slots[static_cast<size_t>(member.slot)].set;
        });
    };
    for (size_t i = 0; i < m_entries.size(); ++i) {
        const auto& entry = m_entries[i];
        switch (entry.kind) {
        case Kind::active:
        case Kind::schemas:
            present[i] = 1;
            break;
        case Kind::scalar:
            present[i] = slots[static_cast<size_t>(entry.slot)].set ? 1 : 0;
            break;
        case Kind::object:
        case Kind::extension:
            present[i] = std::ranges::any_of(entry.members,
                                             [&](const Member& member) {
                                                 return member.slot >= 0 &&
                                                        slots[static_cast<size_t>(member.slot)].set;
                                             })
                             ? 1
                             : 0;
            if (entry.kind == Kind::extension && entry.enterprise)
                enterprise_present = present[i] != 0;
            break;
        case Kind::typed_list:
            present[i] = std::ranges::any_of(entry.elements, element_kept) ? 1 : 0;
            break;
        }
    }

    thread_local std::string out;
    out.clear();
    out += '{';
    bool first = true;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        const auto& entry = m_entries[i];
        const bool manager_here = manager && entry.kind == Kind::extension && entry.enterprise;
        if (!present[i] && !manager_here) continue;
        append_key(out, first, entry.key_text);
        switch (entry.kind) {
        case Kind::active: {
            bool active = true;
            if (entry.slot >= 0 && slots[static_cast<size_t>(entry.slot)].set)
                active = slots[static_cast<size_t>(entry.slot)].flag;
            out += active && !decided_inactive ? "true" : "false";
            break;
        }
        case Kind::scalar:
            append_member_value(out, slots[static_cast<size_t>(entry.slot)]);
            break;
        case Kind::object:
        case Kind::extension: {
            append_members(out, entry.members, slots, manager, {});
            break;
        }
        case Kind::typed_list: {
            elements.clear();
            for (int index : entry.elements)
                if (element_kept(index)) elements.push_back(index);
            std::ranges::sort(elements, {},
                              [&](int index) { return touched[static_cast<size_t>(index)]; });
            out += '[';
            for (size_t e = 0; e < elements.size(); ++e) {
                if (e) out += ',';
                const auto& element = m_elements[static_cast<size_t>(elements[e])];
                append_members(out, element.members, slots, nullptr, element.type);
            }
            out += ']';
            break;
        }
        case Kind::schemas: {
            out += '[';
            scim::append_json_string(out, scim::k_user_schema);
            for (size_t j = 0; j < m_entries.size(); ++j)
                if (m_entries[j].kind == Kind::extension && present[j]) {
                    out += ',';
                    scim::append_json_string(out, m_entries[j].key);
                }
            if (manager && !enterprise_present) {
                out += ',';
                scim::append_json_string(out, enterprise);
            }
            out += ']';
            break;
        }
        }
    }
    out += '}';
    desired.packed = scim::PackedJson::of_text(out);
    return desired;
}

json CompiledMapping::probe_body() const {
    json body = json::object();
    auto probe_value = [&](int slot) -> json {
        for (const auto& rule : m_rules)
            if (rule.slot == slot && rule.rule->type == ValueType::boolean) return true;
        return "probe";
    };
    json schemas = json::array({scim::k_user_schema});
    for (const auto& entry : m_entries) {
        switch (entry.kind) {
        case Kind::active:
            body[entry.key] = true;
            break;
        case Kind::scalar:
            body[entry.key] = probe_value(entry.slot);
            break;
        case Kind::object:
        case Kind::extension:
            for (const auto& member : entry.members)
                body[entry.key][member.name] = member.slot == k_manager_member
                                                   ? json{{"value", "probe"}}
                                                   : probe_value(member.slot);
            if (entry.kind == Kind::extension) schemas.push_back(entry.key);
            break;
        case Kind::typed_list:
            for (int index : entry.elements) {
                const auto& element = m_elements[static_cast<size_t>(index)];
                json item = json::object();
                for (const auto& member : element.members)
                    item[member.name] = member.slot == k_type_member ? json(element.type)
                                                                     : probe_value(member.slot);
                body[entry.key].push_back(std::move(item));
            }
            break;
        case Kind::schemas:
            break;
        }
    }
    body["schemas"] = std::move(schemas);
    return body;
}

} // namespace hr2scim::mappings
