#include "agent/reconcile.hpp"

#include "apply/group_operations.hpp"
#include "apply/identity.hpp"
#include "apply/outcome.hpp"
#include "scim/patch.hpp"
#include "state/planner.hpp"

namespace hr2scim::agent {

Drift reconcile(scim::ScimClient& client, state::StateSnapshot& snapshot,
                const std::optional<std::vector<std::string>>& managed_paths) {
    Drift drift;
    auto& resources = snapshot.resources;
    for (auto& resource : resources) {
        if (resource.scim_id.empty())
            continue; // an unconfirmed create: the planner looks it up anyway
        ++drift.checked;
        auto held = client.get(scim::ResourceType::user, resource.scim_id);
        if (!held && apply::answer_of(held.error()) == apply::Answer::not_found) {
            drift.vanished.insert(resource.key); // created again if the person is still provisioned
            continue;
        }
        if (!held || apply::usable_id(*held) != resource.scim_id) {
            drift.unreadable.push_back(
                resource.key + ": " +
                (held ? "the answer is not that user" : held.error().describe()));
            if (!held && apply::classify(held.error()) == apply::Result::target_unusable) break;
            continue; // left as the state says
        }
        bool changed = false;
        for (const auto& change : scim::diff_bodies(resource.body, *held)) {
            if (!state::is_managed(change.path, managed_paths)) continue;
            scim::apply_change(resource.body, change);
            changed = true;
        }
        if (changed) drift.changed.insert(resource.key);
    }
    std::erase_if(resources,
                  [&](const auto& resource) { return drift.vanished.contains(resource.key); });
    return drift;
}

void reconcile_groups(scim::ScimClient& client, state::StateSnapshot& snapshot, Drift& drift) {
    for (auto& group : snapshot.groups) {
        if (group.scim_id.empty()) continue; // an unconfirmed create: looked up anyway
        ++drift.groups_checked;
        auto held = client.get(scim::ResourceType::group, group.scim_id);
        if (!held && apply::answer_of(held.error()) == apply::Answer::not_found) {
            drift.groups_vanished.insert(group.key);
            continue;
        }
        if (!held || !held->is_object() ||
            held->value("id", nlohmann::json()) != nlohmann::json(group.scim_id)) {
            drift.unreadable.push_back(
                "group " + group.display_name + ": " +
                (held ? "the answer is not that group" : held.error().describe()));
            if (!held && apply::classify(held.error()) == apply::Result::target_unusable) break;
            continue; // left as the state says
        }
        const auto ids = apply::member_ids(*held);
        std::vector<std::string> kept_keys, kept_ids;
        for (size_t at = 0; at < group.members.size() && at < group.member_ids.size(); ++at) {
            if (ids.contains(group.member_ids[at])) {
                kept_keys.push_back(group.members[at]);
                kept_ids.push_back(group.member_ids[at]);
            } else {
                drift.members_missing[group.key].push_back(group.members[at]);
            }
        }
        group.members = std::move(kept_keys);
        group.member_ids = std::move(kept_ids);
    }
    std::erase_if(snapshot.groups,
                  [&](const auto& group) { return drift.groups_vanished.contains(group.key); });
}

} // namespace hr2scim::agent
