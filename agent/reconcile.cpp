#include "agent/reconcile.hpp"

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
        auto held = client.get_user(resource.scim_id);
        if (!held && held.error().status == 404) {
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

} // namespace hr2scim::agent
