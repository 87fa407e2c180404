#include "state/plan_file.hpp"

#include "scim/attribute_path.hpp"
#include "state/body_hash.hpp"
#include "state/source_key.hpp"
#include "state/timestamp.hpp"

#include <array>
#include <map>
#include <stdexcept>

namespace hr2scim::state {
namespace {

using nlohmann::json;

constexpr std::array k_kinds = {OperationKind::create,     OperationKind::update,
                                OperationKind::deactivate, OperationKind::reactivate,
                                OperationKind::remove,     OperationKind::link_manager};

json optional_json(const std::optional<json>& value) {
    return value ? *value : json();
}

json operation_to_json(const Operation& operation) {
    json changes = json::array();
    for (const auto& change : operation.changes)
        changes.push_back({{"path", change.path},
                           {"before", optional_json(change.before)},
                           {"after", optional_json(change.after)},
                           {"has_before", change.before.has_value()},
                           {"has_after", change.after.has_value()}});
    json unique = json::array();
    for (const auto& choice : operation.details().unique)
        unique.push_back({{"path", choice.path.to_string()}, {"candidates", choice.candidates}});
    return {{"id", operation.id},
            {"kind", std::string(verb(operation.kind))},
            {"key", operation.key},
            {"scim_id", operation.scim_id},
            {"origin", operation.origin},
            {"reason", operation.details().decision},
            {"depends_on",
             std::vector<size_t>(operation.depends_on.begin(), operation.depends_on.end())},
            {"resolve_first", operation.resolve_first},
            {"manager_key", operation.manager_key},
            {"body", operation.full_body()},
            {"changes", changes},
            {"unique", unique}};
}

tl::expected<Operation, std::string> operation_from_json(const json& item) {
    try {
        Operation operation;
        const auto kind = item.at("kind").get<std::string>();
        auto found =
            std::ranges::find_if(k_kinds, [&](OperationKind k) { return verb(k) == kind; });
        if (found == k_kinds.end()) return tl::unexpected("unknown operation kind '" + kind + "'");
        operation.kind = *found;
        operation.id = item.at("id").get<size_t>();
        operation.key = item.at("key").get<std::string>();
        operation.scim_id = item.at("scim_id").get<std::string>();
        operation.origin = item.at("origin").get<std::string>();
        operation.set_decision(item.at("reason").get<std::string>());
        for (size_t id : item.at("depends_on").get<std::vector<size_t>>())
            operation.depends_on.push_back(id); // throws beyond two, as no plan has more
        operation.resolve_first = item.at("resolve_first").get<bool>();
        operation.manager_key = item.at("manager_key").get<std::string>();
        operation.body = item.at("body");
        for (const auto& change : item.at("changes")) {
            scim::AttributeChange parsed{change.at("path").get<std::string>(), std::nullopt,
                                         std::nullopt};
            if (change.at("has_before").get<bool>()) parsed.before = change.at("before");
            if (change.at("has_after").get<bool>()) parsed.after = change.at("after");
            operation.changes.push_back(std::move(parsed));
        }
        for (const auto& choice : item.at("unique")) {
            auto path = scim::parse_attribute_path(choice.at("path").get<std::string>());
            if (!path) return tl::unexpected(path.error());
            operation.edit_details().unique.push_back(
                {*path, choice.at("candidates").get<std::vector<std::string>>()});
        }
        return operation;
    } catch (const json::exception& error) {
        return tl::unexpected(std::string("an operation is malformed: ") + error.what());
    } catch (const std::length_error& error) { // depends_on
        return tl::unexpected(std::string("an operation is malformed: ") + error.what());
    }
}

tl::expected<std::vector<Operation>, std::string> operations_from_json(const json& items) {
    std::vector<Operation> operations;
    if (!items.is_array()) return tl::unexpected(std::string("operations must be a list"));
    for (const auto& item : items) {
        auto operation = operation_from_json(item);
        if (!operation) return tl::unexpected(operation.error());
        operations.push_back(std::move(*operation));
    }
    return operations;
}

constexpr std::array k_group_kinds = {
    GroupOperationKind::create, GroupOperationKind::rename, GroupOperationKind::add_members,
    GroupOperationKind::remove_members, GroupOperationKind::remove};

json group_operation_to_json(const GroupOperation& operation) {
    return {{"kind", std::string(verb(operation.kind))},
            {"key", operation.key},
            {"scim_id", operation.scim_id},
            {"display_name", operation.display_name},
            {"external_id", operation.external_id},
            {"extension", operation.extension},
            {"members", operation.members},
            {"member_ids", operation.member_ids},
            {"reason", operation.decision},
            {"resolve_first", operation.resolve_first},
            {"managed_existing", operation.managed_existing}};
}

tl::expected<std::vector<GroupOperation>, std::string>
group_operations_from_json(const json& items) {
    if (!items.is_array()) return tl::unexpected(std::string("group operations must be a list"));
    std::vector<GroupOperation> operations;
    try {
        for (const auto& item : items) {
            GroupOperation operation;
            const auto kind = item.at("kind").get<std::string>();
            auto found = std::ranges::find_if(
                k_group_kinds, [&](GroupOperationKind k) { return verb(k) == kind; });
            if (found == k_group_kinds.end())
                return tl::unexpected("unknown group operation kind '" + kind + "'");
            operation.kind = *found;
            operation.key = item.at("key").get<std::string>();
            operation.scim_id = item.at("scim_id").get<std::string>();
            operation.display_name = item.at("display_name").get<std::string>();
            operation.external_id = item.at("external_id").get<std::string>();
            operation.extension = item.at("extension");
            operation.members = item.at("members").get<std::vector<std::string>>();
            operation.member_ids = item.at("member_ids").get<std::vector<std::string>>();
            operation.decision = item.at("reason").get<std::string>();
            operation.resolve_first = item.at("resolve_first").get<bool>();
            operation.managed_existing = item.at("managed_existing").get<bool>();
            operations.push_back(std::move(operation));
        }
    } catch (const json::exception& error) {
        return tl::unexpected(std::string("a group operation is malformed: ") + error.what());
    }
    return operations;
}

json groups_to_json(const GroupPlan& groups) {
    json operations = json::array(), withheld = json::array();
    for (const auto& operation : groups.operations)
        operations.push_back(group_operation_to_json(operation));
    for (const auto& operation : groups.withheld)
        withheld.push_back(group_operation_to_json(operation));
    return {{"operations", std::move(operations)},
            {"withheld", std::move(withheld)},
            {"withheld_reasons", groups.withheld_reasons}};
}

// A fingerprint of the origin and every operation, each as its JSON in the file: an edit to
// any of them (a scim_id, a body, as_of) no longer matches. Built one operation at a time.
class Digest {
  public:
    void add(std::string_view list, const json& item) {
        m_hashes += list;
        m_hashes += ' ';
        m_hashes += digest(item);
        m_hashes += '\n';
    }
    [[nodiscard]] std::string value() const { return text_digest(m_hashes); }

  private:
    std::string m_hashes;
};

constexpr std::array k_origin_fields = {"target", "config_fingerprint", "mapping_fingerprint",
                                        "state_revision", "as_of"};

json origin_fields(const json& file) {
    json fields = json::object();
    for (const char* name : k_origin_fields)
        fields[name] = file.at(name);
    if (file.contains("adopt_existing")) fields["adopt_existing"] = file["adopt_existing"];
    return fields;
}

// The file's fields other than the lists and the digest.
// A plan file lists every operation: a plan with folded manager links is unfolded first.
void refuse_folded(const Plan& plan) {
    if (plan.folded_links > 0)
        throw std::logic_error("a plan with folded manager links was to be written as a file");
}

json plan_header(const Plan& plan, const PlanOrigin& origin, const GroupPlan* groups) {
    json header = {{"hr2scim_plan", k_plan_file_version},
                   {"target", origin.target},
                   {"config_fingerprint", origin.config_fingerprint},
                   {"mapping_fingerprint", origin.mapping_fingerprint},
                   {"state_revision", origin.state_revision},
                   {"as_of", to_timestamp(origin.as_of)},
                   {"withheld_reason", plan.withheld_reason ? json(*plan.withheld_reason) : json()},
                   {"withheld_digest", withheld_items(plan, groups).empty()
                                           ? json()
                                           : json(withheld_digest(plan, groups))}};
    if (origin.adopt_existing) header["adopt_existing"] = true;
    return header;
}

} // namespace

json plan_to_json(const Plan& plan, const PlanOrigin& origin, const GroupPlan* groups) {
    refuse_folded(plan);
    json operations = json::array(), withheld = json::array();
    for (const auto& operation : plan.operations)
        operations.push_back(operation_to_json(operation));
    for (const auto& operation : plan.withheld)
        withheld.push_back(operation_to_json(operation));
    json file = plan_header(plan, origin, groups);
    Digest digest;
    digest.add("origin", origin_fields(file));
    for (const auto& item : operations)
        digest.add("operation", item);
    for (const auto& item : withheld)
        digest.add("withheld", item);
    file["operations"] = std::move(operations);
    file["withheld"] = std::move(withheld);
    if (groups) {
        file["groups"] = groups_to_json(*groups);
        digest.add("groups", file["groups"]);
    }
    file["operations_digest"] = digest.value();
    return file;
}

void write_plan_json(const std::function<void(std::string_view)>& write, const Plan& plan,
                     const PlanOrigin& origin, const GroupPlan* groups) {
    refuse_folded(plan);
    // The header as plan_to_json has it, without the lists; each operation is then written on
    // its own, so a million of them are never one JSON tree in memory; the digest comes last.
    const json header = plan_header(plan, origin, groups);
    Digest digest;
    digest.add("origin", origin_fields(header));
    std::string text = header.dump(2);
    text.pop_back(); // the closing brace: the lists follow
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    write(text);
    auto list = [&](std::string_view name, const std::vector<Operation>& operations) {
        write(",\n  \"" + std::string(name) + "\": [");
        for (size_t i = 0; i < operations.size(); ++i) {
            const json operation = operation_to_json(operations[i]);
            digest.add(name == "operations" ? "operation" : "withheld", operation);
            std::string item = operation.dump(2);
            for (size_t at = item.find('\n'); at != std::string::npos; at = item.find('\n', at + 5))
                item.replace(at, 1, "\n    ");
            write((i ? ",\n    " : "\n    ") + item);
        }
        write(operations.empty() ? "]" : "\n  ]");
    };
    list("operations", plan.operations);
    list("withheld", plan.withheld);
    if (groups) { // one JSON tree: groups are few
        const json item = groups_to_json(*groups);
        digest.add("groups", item);
        std::string groups_text = item.dump(2);
        for (size_t at = groups_text.find('\n'); at != std::string::npos;
             at = groups_text.find('\n', at + 3))
            groups_text.replace(at, 1, "\n  ");
        write(",\n  \"groups\": " + groups_text);
    }
    write(",\n  \"operations_digest\": " + json(digest.value()).dump() + "\n}\n");
}

tl::expected<PlanFile, std::string> plan_from_json(const json& file) {
    if (!file.is_object() || !file.contains("hr2scim_plan"))
        return tl::unexpected(std::string("not an hr2scim plan file"));
    if (file["hr2scim_plan"] != k_plan_file_version)
        return tl::unexpected("plan file version " + file["hr2scim_plan"].dump() +
                              "; this hr2scim reads version " +
                              std::to_string(k_plan_file_version));
    try {
        PlanFile plan;
        plan.origin.target = file.at("target").get<std::string>();
        plan.origin.config_fingerprint = file.at("config_fingerprint").get<std::string>();
        plan.origin.mapping_fingerprint = file.at("mapping_fingerprint").get<std::string>();
        plan.origin.state_revision = file.at("state_revision").get<std::string>();
        auto as_of = from_timestamp(file.at("as_of").get<std::string>());
        if (!as_of) return tl::unexpected(std::string("as_of is not a time"));
        plan.origin.as_of = *as_of;
        const auto adopt = file.find("adopt_existing");
        if (adopt != file.end() && !adopt->is_boolean())
            return tl::unexpected(std::string("adopt_existing is not true or false"));
        plan.origin.adopt_existing = adopt != file.end() && adopt->get<bool>();
        Digest digest;
        digest.add("origin", origin_fields(file));
        for (const auto& item : file.at("operations"))
            digest.add("operation", item);
        for (const auto& item : file.at("withheld"))
            digest.add("withheld", item);
        const auto groups = file.find("groups");
        if (groups != file.end()) digest.add("groups", *groups);
        const auto written = file.find("operations_digest");
        if (written == file.end() || !written->is_string())
            return tl::unexpected(std::string(
                "the plan file has no operations_digest (made by an older hr2scim?); make and "
                "review a new plan"));
        if (written->get<std::string>() != digest.value())
            return tl::unexpected(std::string(
                "the plan file was changed after it was made: its operations do not match its "
                "operations_digest; make and review a new plan"));
        plan.digest = digest.value();
        auto operations = operations_from_json(file.at("operations"));
        if (!operations) return tl::unexpected(operations.error());
        auto withheld = operations_from_json(file.at("withheld"));
        if (!withheld) return tl::unexpected(withheld.error());
        plan.plan.operations = std::move(*operations);
        plan.plan.withheld = std::move(*withheld);
        if (groups != file.end()) {
            auto group_operations = group_operations_from_json(groups->at("operations"));
            if (!group_operations) return tl::unexpected(group_operations.error());
            auto group_withheld = group_operations_from_json(groups->at("withheld"));
            if (!group_withheld) return tl::unexpected(group_withheld.error());
            plan.groups.operations = std::move(*group_operations);
            plan.groups.withheld = std::move(*group_withheld);
            plan.groups.withheld_reasons =
                groups->at("withheld_reasons").get<std::vector<std::string>>();
        }
        return plan;
    } catch (const nlohmann::json::exception& error) {
        return tl::unexpected(std::string("the plan file is malformed: ") + error.what());
    }
}

std::optional<std::string> foreign_account(const Plan& plan,
                                           const std::vector<StoredResource>& resources,
                                           bool case_sensitive_keys) {
    std::map<std::string, const StoredResource*> by_key;
    for (const auto& resource : resources)
        by_key.emplace(identity_key(resource.key, case_sensitive_keys), &resource);
    for (const auto* list : {&plan.operations, &plan.withheld})
        for (const auto& operation : *list) {
            const std::string which = "operation " + std::to_string(operation.id) + " (" +
                                      std::string(verb(operation.kind)) + " " + operation.key +
                                      "): ";
            auto found = by_key.find(identity_key(operation.key, case_sensitive_keys));
            const std::string held = found == by_key.end() ? std::string() : found->second->scim_id;
            const bool names_none = operation.kind == OperationKind::create ||
                                    operation.kind == OperationKind::link_manager;
            if (names_none && !operation.scim_id.empty())
                return which + "a " + std::string(verb(operation.kind)) +
                       " names no account, but it names " + operation.scim_id;
            if (names_none) continue;
            if (held.empty())
                return which + "the state holds no account for " + operation.key +
                       ", but the operation names " +
                       (operation.scim_id.empty() ? "none" : operation.scim_id);
            if (held != operation.scim_id)
                return which + "the state maps " + operation.key + " to the account " + held +
                       ", not " + operation.scim_id;
        }
    return std::nullopt;
}

std::optional<std::string> foreign_group(const GroupPlan& plan,
                                         const std::vector<StoredGroup>& groups) {
    std::map<std::string, const StoredGroup*> by_key;
    for (const auto& group : groups)
        by_key.emplace(group.key, &group);
    for (const auto* list : {&plan.operations, &plan.withheld})
        for (const auto& operation : *list) {
            const std::string which =
                std::string(verb(operation.kind)) + " \"" + operation.display_name + "\": ";
            if (operation.kind == GroupOperationKind::create) {
                if (!operation.scim_id.empty())
                    return which + "a create names no group, but it names " + operation.scim_id;
                continue;
            }
            auto found = by_key.find(operation.key);
            const std::string held = found == by_key.end() ? std::string() : found->second->scim_id;
            // A group created earlier in the same plan has no id yet: the create names it.
            if (operation.scim_id.empty() && held.empty()) continue;
            if (held != operation.scim_id)
                return which + "the state maps group " + operation.key + " to " +
                       (held.empty() ? std::string("no group") : held) + ", not " +
                       operation.scim_id;
        }
    return std::nullopt;
}

std::string state_revision(const std::vector<StoredResource>& resources,
                           const std::vector<StoredGroup>& groups) {
    json rows = json::array();
    for (const auto& resource : resources)
        rows.push_back({resource.key, resource.scim_id, std::string(to_string(resource.status)),
                        resource.body_hash == 0 ? fingerprint(resource.body.dump())
                                                : fingerprint_text(resource.body_hash),
                        resource.deactivated_at ? to_timestamp(*resource.deactivated_at) : ""});
    if (groups.empty()) return digest(rows);
    json group_rows = json::array();
    for (const auto& group : groups)
        group_rows.push_back({group.key, group.scim_id, group.display_name, group.external_id,
                              group.extension, group.members, group.member_ids,
                              group.pending_members, group.created_by_hr2scim});
    return digest(json{rows, group_rows});
}

} // namespace hr2scim::state
