#include "state/planner.hpp"

#include <algorithm>
#include <map>

#include "scim/body_path.hpp"

namespace hr2scim::state {
namespace {

using nlohmann::json;

Operation deactivation_of(const StoredResource& resource) {
    json body = resource.body;
    body["active"] = false;
    Operation operation{OperationKind::deactivate, resource.key, resource.scim_id, {}, body, {}, false};
    operation.changes = scim::diff_bodies(resource.body, body);
    if (operation.changes.empty()) operation.changes.push_back({"active", std::nullopt, json(false)});
    // Journaled but never confirmed: the user may or may not exist; look before deactivating.
    operation.resolve_first = resource.status == ResourceStatus::pending_create;
    return operation;
}

// The desired body with the kept paths as they were last sent.
json with_kept_paths(json body, const json& stored, const std::vector<scim::AttributePath>& kept) {
    for (const auto& path : kept) {
        if (const json* old_value = scim::value_at(stored, path)) {
            scim::set_value(body, path, *old_value);
        } else {
            scim::erase_value(body, path);
        }
    }
    return body;
}

Operation operation_for(const scim::DesiredResource& desired, const StoredResource* stored,
                        const std::vector<scim::AttributePath>& kept) {
    Operation operation{OperationKind::create, desired.key, {}, desired.origin, desired.body, {}, false};
    if (!stored) return operation;
    std::vector<scim::AttributePath> all_kept = kept;
    all_kept.insert(all_kept.end(), desired.keep_as_sent.begin(), desired.keep_as_sent.end());
    if (!all_kept.empty()) operation.body = with_kept_paths(desired.body, stored->body, all_kept);
    if (stored->status == ResourceStatus::pending_create) {
        operation.resolve_first = true;
        return operation;
    }
    operation.scim_id = stored->scim_id;
    operation.changes = scim::diff_bodies(stored->body, operation.body);
    operation.kind = stored->status == ResourceStatus::deactivated ? OperationKind::reactivate
                                                                   : OperationKind::update;
    return operation;
}

std::optional<std::string> gate_reason(size_t deactivations, size_t active_before, size_t desired,
                                       const SafetyLimits& limits) {
    if (deactivations == 0) return std::nullopt;
    if (desired == 0) return "the source returned no records; refusing to deactivate everyone";
    if (deactivations > limits.max_deactivations)
        return std::to_string(deactivations) + " deactivations exceed the limit of " +
               std::to_string(limits.max_deactivations) + " (safety.max_deactivations)";
    double percent = 100.0 * static_cast<double>(deactivations) / static_cast<double>(std::max<size_t>(active_before, 1));
    if (percent > limits.max_deactivation_percent)
        return std::to_string(deactivations) + " of " + std::to_string(active_before) + " active users (" +
               std::to_string(static_cast<int>(percent + 0.5)) + "%) exceed the limit of " +
               std::to_string(static_cast<int>(limits.max_deactivation_percent)) +
               "% (safety.max_deactivation_percent)";
    return std::nullopt;
}

} // namespace

size_t Plan::count(OperationKind kind) const {
    return static_cast<size_t>(std::ranges::count(operations, kind, &Operation::kind));
}

Plan make_plan(const std::vector<scim::DesiredResource>& desired, const std::vector<StoredResource>& stored,
               const PlanPolicy& policy) {
    std::map<std::string_view, const StoredResource*> stored_by_key;
    for (const auto& resource : stored) stored_by_key[resource.key] = &resource;

    Plan plan;
    std::map<std::string_view, bool> seen;
    std::vector<const scim::DesiredResource*> ordered;
    for (const auto& resource : desired) ordered.push_back(&resource);
    std::ranges::sort(ordered, {}, &scim::DesiredResource::key);
    for (const auto* resource : ordered) {
        seen[resource->key] = true;
        auto found = stored_by_key.find(resource->key);
        Operation operation =
            operation_for(*resource, found == stored_by_key.end() ? nullptr : found->second, policy.kept_paths);
        if (operation.kind != OperationKind::create && operation.changes.empty()) {
            ++plan.unchanged;
            continue;
        }
        plan.operations.push_back(std::move(operation));
    }

    std::vector<Operation> deactivations;
    size_t active_before = 0;
    for (const auto& [key, resource] : stored_by_key) {
        if (resource->status != ResourceStatus::deactivated) ++active_before;
        if (seen.contains(key) || resource->status == ResourceStatus::deactivated) continue;
        if (policy.protected_keys.contains(resource->key)) {
            ++plan.protected_keys;
            continue;
        }
        deactivations.push_back(deactivation_of(*resource));
    }

    std::optional<std::string> reason = policy.source_incomplete;
    if (!reason && (reason = gate_reason(deactivations.size(), active_before, desired.size(), policy.limits)))
        plan.stopped_by_gate = true;
    if (reason && !deactivations.empty()) {
        plan.withheld = std::move(deactivations);
        plan.withheld_reason = reason;
    } else {
        std::ranges::move(deactivations, std::back_inserter(plan.operations));
    }
    return plan;
}

} // namespace hr2scim::state
