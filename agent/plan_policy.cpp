#include "agent/plan_policy.hpp"

#include "scim/discovery.hpp"
#include "state/source_key.hpp"
#include "state/state_store.hpp"

#include <fmt/format.h>

namespace hr2scim::agent {
// The diff path of each attribute the mapping sets: multi-valued attributes (emails) are
// replaced whole, complex ones (name) and extensions change by sub-attribute.
std::vector<std::string> managed_paths(const mappings::Mapping& mapping) {
    std::vector<std::string> paths;
    for (const auto& rule : mapping.rules) {
        const auto& target = rule.target;
        std::string path = (target.schema.empty() ? "" : target.schema + ":") + target.attribute;
        if (!target.filter && !target.sub_attribute.empty()) path += "." + target.sub_attribute;
        paths.push_back(std::move(path));
    }
    return paths;
}

std::vector<std::string> paths_the_target_lacks(const mappings::Mapping& mapping,
                                                const std::set<std::string>& user_attributes) {
    std::vector<std::string> lacking;
    for (const auto& path : managed_paths(mapping)) {
        std::string plain = path; // emails[type eq "work"].value -> emails.value
        for (auto open = plain.find('['); open != std::string::npos; open = plain.find('[')) {
            auto close = plain.find(']', open);
            plain.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
        }
        if (!scim::knows_attribute(user_attributes, plain)) lacking.push_back(path);
    }
    return lacking;
}

state::PlanPolicy policy_for(const Prepared& prepared, const RunOptions& options,
                             const MappedSource& mapped) {
    const Config& config = prepared.config;
    state::PlanPolicy policy;
    policy.limits = config.safety;
    policy.kept_paths = mapped.kept_paths;
    policy.now = prepared.now;
    policy.case_sensitive_keys = config.case_sensitive_keys;
    policy.operations = config.target.operations;
    policy.managed_paths = managed_paths(prepared.mapping);
    if (prepared.mapping.lifecycle.delete_after_days)
        policy.delete_after = std::chrono::days(*prepared.mapping.lifecycle.delete_after_days);
    if (mapped.decisions_unsure) policy.source_incomplete = *mapped.decisions_unsure;
    if (options.max_deactivations) {
        policy.limits.max_deactivations = *options.max_deactivations;
        policy.limits.max_deactivation_percent = 100;
    }
    if (!mapped.read.complete())
        policy.source_incomplete = "the source failed: " + *mapped.read.failure;
    size_t unknown_keys = 0;
    for (const auto& rejection : mapped.rejections) {
        if (rejection.key.empty()) {
            ++unknown_keys;
        } else {
            policy.protected_keys.insert(rejection.key);
        }
    }
    if (unknown_keys > 0 && !policy.source_incomplete)
        policy.source_incomplete = fmt::format(
            "{} source record{} could not be read far enough to know whose {}", unknown_keys,
            unknown_keys == 1 ? "" : "s", unknown_keys == 1 ? "it is" : "they are");
    return policy;
}

// Managers no record names and the state does not know: those this target deleted after they
// left (the audit trail remembers) are not unknown. True when there are such (plan again).
bool note_departed_managers(state::PlanPolicy& policy,
                            const std::vector<state::RejectedLink>& unknown, const Config& config) {
    std::vector<std::string> keys;
    keys.reserve(unknown.size());
    for (const auto& link : unknown)
        keys.push_back(link.manager_key);
    policy.departed_managers = state::StateStore::deleted_keys(config.state, config.target.name,
                                                               keys, config.case_sensitive_keys);
    return !policy.departed_managers.empty();
}

} // namespace hr2scim::agent
