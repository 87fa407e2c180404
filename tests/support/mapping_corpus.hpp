#pragma once
// Generated mappings and records for the differential tests of the compiled mapping (the unit
// test draws from a seeded generator, the fuzz target from its input bytes), and the check that
// the compiled program and map_record() agree on one record, field by field and to the byte.
#include "connectors/record.hpp"
#include "mappings/compiled_mapping.hpp"
#include "mappings/mapper.hpp"
#include "mappings/mapping.hpp"
#include "scim/packed_json.hpp"
#include "state/planner.hpp"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::testing {

// A number in [0, n): from a seeded generator or from fuzz input.
using Draw = std::function<size_t(size_t n)>;

inline const std::vector<std::string>& corpus_columns() {
    static const std::vector<std::string> columns = {
        "employee_id", "first_name", "last_name", "email",      "title", "department",
        "manager_id",  "active",     "start",     "end",        "zone",  "kind",
        "mobile",      "city",       "flag",      "Mixed_Case", "absent"};
    return columns;
}

inline std::string draw_value(const Draw& draw) {
    static const std::array<std::string_view, 24> values = {"",
                                                            "Ada",
                                                            "  spaced  ",
                                                            "Søren Ærø",
                                                            "ada.lovelace@Example.COM",
                                                            "E1001",
                                                            "E1002",
                                                            "true",
                                                            "no",
                                                            "maybe",
                                                            "2026-11-01",
                                                            "2026-12-24",
                                                            "2020-01-01",
                                                            "not a date",
                                                            "Europe/Berlin",
                                                            "Nowhere/Else",
                                                            "Employee",
                                                            "Contractor",
                                                            "quote \" back \\ slash",
                                                            "tab\tnew\nline\r\x01\x1f\x7f",
                                                            "\xFF\xFE bad utf-8",
                                                            "+44 (20) 7946-0000",
                                                            "ENG",
                                                            "12"};
    return std::string(values[draw(values.size())]);
}

// A record over the corpus's columns (and `extra` names): some missing, some empty, some lists.
inline connectors::Record draw_record(const Draw& draw,
                                      const std::vector<std::string>& extra = {}) {
    connectors::Record record{"E" + std::to_string(1000 + draw(20)), {}, "corpus.csv:2"};
    std::vector<std::string> names = corpus_columns();
    names.insert(names.end(), extra.begin(), extra.end());
    for (const auto& name : names) {
        const size_t shape = draw(10);
        if (shape == 0 || name == "absent") continue; // missing
        std::vector<std::string> values{draw_value(draw)};
        if (shape == 1 && draw(4) == 0) values.push_back(draw_value(draw)); // multi-valued
        if (shape == 2 && draw(4) == 0) values.clear();                     // present, no value
        record.attributes[name] = std::move(values);
    }
    return record;
}

inline std::string draw_expression(const Draw& draw, int depth = 0) {
    const auto& columns = corpus_columns();
    auto column = [&] { return columns[draw(columns.size())]; };
    switch (depth > 2 ? draw(2) : draw(14)) {
    case 0:
        return column();
    case 1:
        return "\"lit " + std::to_string(draw(3)) + "\"";
    case 2:
        return "lower(" + draw_expression(draw, depth + 1) + ")";
    case 3:
        return "upper(" + draw_expression(draw, depth + 1) + ")";
    case 4:
        return "trim(" + draw_expression(draw, depth + 1) + ")";
    case 5:
        return "concat(" + draw_expression(draw, depth + 1) + ", \".\", " +
               draw_expression(draw, depth + 1) + ")";
    case 6:
        return "coalesce(" + draw_expression(draw, depth + 1) + ", " +
               draw_expression(draw, depth + 1) + ")";
    case 7:
        return "replace(" + draw_expression(draw, depth + 1) + ", \"[^0-9+]\", \"\")";
    case 8:
        return "split(" + column() + ", \" \")";
    case 9:
        return "join(split(" + column() + ", \" \"), \"-\")";
    case 10:
        return "switch(" + column() + ", \"other\", \"ENG\", \"Engineering\", \"12\", \"Twelve\")";
    case 11:
        return "iif(" + column() + " == \"Employee\", \"yes\", " +
               draw_expression(draw, depth + 1) + ")";
    case 12:
        return "normalize_diacritics(" + draw_expression(draw, depth + 1) + ")";
    default:
        return "format_datetime(" + column() + ", \"%Y-%m-%d\", \"%d.%m.%Y\")";
    }
}

// A rule's right-hand side in one of the mapping file's forms.
inline std::string draw_rule(const Draw& draw, bool boolean) {
    const auto& columns = corpus_columns();
    auto column = [&] { return columns[draw(columns.size())]; };
    std::string extra;
    if (draw(6) == 0) extra += ", default: '{" + draw_expression(draw, 1) + "}'";
    if (draw(6) == 0) extra += ", when_empty: leave";
    if (draw(8) == 0) extra += ", apply: on_create";
    switch (draw(boolean ? 3 : 6)) {
    case 0:
        return "{ column: " + column() + extra + " }";
    case 1:
        return boolean ? "{ value: " + std::string(draw(2) ? "true" : "false") + " }"
                       : "{ value: \"fixed " + std::to_string(draw(3)) + "\"" + extra + " }";
    case 2:
        return "{ template: '{" + draw_expression(draw) + "}'" + extra + " }";
    case 3:
        return "'{" + column() + "} {" + column() + "}'";
    case 4:
        return "'x-{" + draw_expression(draw) + "}-y'";
    default:
        return "'{" + column() + "}'";
    }
}

// A mapping of 1–12 rules over the paths a User takes, with scope, lifecycle and a group now
// and then.
inline std::string draw_mapping(const Draw& draw) {
    static const std::array<std::pair<std::string_view, bool>, 24> paths = {{
        {"externalId", false},
        {"displayName", false},
        {"nickName", false},
        {"title", false},
        {"userType", false},
        {"name.givenName", false},
        {"name.familyName", false},
        {"name.formatted", false},
        {"emails[type eq \"work\"].value", false},
        {"emails[type eq \"work\"].primary", true},
        {"emails[type eq \"home\"].value", false},
        {"emails[type eq \"home\"].display", false},
        {"phoneNumbers[type eq \"mobile\"].value", false},
        {"phoneNumbers[type eq \"work\"].primary", true},
        {"addresses[type eq \"work\"].locality", false},
        {"addresses[type eq \"work\"].country", false},
        {"addresses[type eq \"home\"].primary", true},
        {"active", true},
        {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", false},
        {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", false},
        {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", false},
        {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", false},
        {"urn:example:params:scim:schemas:extension:acme:2.0:User:badge", false},
        {"urn:example:params:scim:schemas:extension:acme:2.0:User:Alpha", false},
    }};
    std::string yaml = "attributes:\n";
    const size_t user_name = draw(12);
    if (user_name == 0)
        yaml +=
            "  userName: '{unique(lower(email), concat(lower(first_name), \".\", last_name))}'\n";
    else if (user_name == 1)
        yaml += "  userName: { template: '{unique(absent, email, title)}', apply: on_create }\n";
    else // (a mapping without userName does not load; an empty one is an error to agree on)
        yaml += "  userName: " + draw_rule(draw, false) + "\n";
    std::vector<size_t> order(paths.size()); // each path at most once, in a drawn order
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    for (size_t i = order.size() - 1; i > 0; --i)
        std::swap(order[i], order[draw(i + 1)]);
    const size_t rules = 1 + draw(12);
    for (size_t i = 0; i < rules; ++i) {
        const auto& [path, boolean] = paths[order[i]];
        yaml += "  " + std::string(path) + ": " + draw_rule(draw, boolean) + "\n";
    }
    if (draw(3) == 0) yaml += "scope:\n  include: 'kind == \"Employee\" or flag == \"true\"'\n";
    if (draw(3) == 0)
        yaml += "lifecycle:\n  time_zone: Europe/London\n  person_time_zone: \"{zone}\"\n"
                "  hire_date: \"{start}\"\n  create_days_before: 7\n"
                "  termination_date: \"{end}\"\n";
    if (draw(4) == 0)
        yaml += "groups:\n  departments:\n    for_each: \"{department}\"\n"
                "    display_name: \"Dept {each}\"\n";
    return yaml;
}

// What the state would give as the manager's SCIM id: some managers have one, some not.
inline const std::string* corpus_manager_id(std::string_view key) {
    static const std::string id = "2819c223-7f76-453a-919d-413861904646";
    return key.size() % 2 == 0 ? &id : nullptr;
}

// The record as a CSV streams it (a shared header, one field per column), when it can be one:
// every attribute with exactly one value.
inline std::optional<connectors::Record> as_csv_row(const connectors::Record& record) {
    auto header = std::make_shared<std::vector<std::string>>();
    connectors::Record row{record.key, {}, record.origin};
    for (const auto& [name, values] : record.attributes) {
        if (values.size() != 1) return std::nullopt;
        header->push_back(name);
        row.fields.push_back(values.front());
    }
    row.header = std::move(header);
    return row;
}

// Where the compiled program (on the record as a CSV row when it can be one) and map_record()
// differ on `record`, or nothing.
inline std::optional<std::string> compiled_difference(const mappings::Mapping& mapping,
                                                      const mappings::CompiledMapping& program,
                                                      const connectors::Record& record,
                                                      mappings::Instant now) {
    auto tree = mappings::map_record(mapping, record, now);
    const auto row = as_csv_row(record);
    auto compiled = program.map(row ? *row : record, now, corpus_manager_id);
    if (!tree || !compiled) {
        if (tree.has_value() != compiled.has_value())
            return tree ? "only the compiled program refused: " + compiled.error()
                        : "only the tree refused: " + tree.error();
        if (tree.error() != compiled.error())
            return "refused differently: '" + tree.error() + "' and '" + compiled.error() + "'";
        return std::nullopt;
    }
    const std::string* manager =
        tree->manager_key ? corpus_manager_id(*tree->manager_key) : nullptr;
    if (manager) state::set_manager_id(tree->body, *manager);
    const std::string expected(scim::PackedJson(tree->body).text());
    if (compiled->packed.empty() || compiled->packed.text() != expected)
        return "bodies differ:\n  tree:     " + expected + "\n  compiled: " +
               (compiled->packed.empty() ? std::string("(none)")
                                         : std::string(compiled->packed.text()));
    if (!compiled->body.is_null()) return "the compiled program built a tree";
    if (tree->key != compiled->key || tree->origin != compiled->origin) return "key or origin";
    if (tree->details().keep_as_sent != compiled->details().keep_as_sent)
        return "keep_as_sent differs";
    if (tree->disposition != compiled->disposition || tree->deletable != compiled->deletable ||
        tree->terminated != compiled->terminated)
        return "disposition differs";
    if (tree->details().decision != compiled->details().decision)
        return "decision: '" + tree->details().decision + "' and '" + compiled->details().decision +
               "'";
    if (tree->manager_key != compiled->manager_key) return "manager_key differs";
    if (tree->groups != compiled->groups) return "groups differ";
    if (tree->details().unique.size() != compiled->details().unique.size()) return "unique differs";
    for (size_t i = 0; i < tree->details().unique.size(); ++i)
        if (tree->details().unique[i].path != compiled->details().unique[i].path ||
            tree->details().unique[i].candidates != compiled->details().unique[i].candidates)
            return "unique candidates differ";
    return std::nullopt;
}

} // namespace hr2scim::testing
