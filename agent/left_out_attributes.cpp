#include "agent/left_out_attributes.hpp"

#include "scim/write_check.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace hr2scim::agent {

// What the target says it lacks is left out of the stored bodies that were read (idempotent).
void leave_out_of_stored(const std::optional<scim::Capabilities>& capabilities,
                         std::vector<state::StoredResource>& resources) {
    if (!capabilities) return;
    for (auto& resource : resources) {
        if (!resource.has_body) continue;
        if (capabilities->user_attributes)
            (void)scim::drop_unknown_attributes(resource.body, *capabilities->user_attributes);
        (void)scim::drop_attributes(resource.body, scim::unkept_paths(*capabilities));
    }
}

// Attributes the target says it does not have are left out of what is sent (and of what
// the state says was sent), instead of failing every request that names them.
bool leave_out_unknown(const scim::Capabilities& capabilities, MappedSource& mapped,
                       state::StateSnapshot& snapshot) {
    if (!capabilities.user_attributes && capabilities.unkept.empty()) return false;
    const auto unkept = scim::unkept_paths(capabilities);
    std::set<std::string> dropped;
    bool learnt_dropped = false;
    // Attributes it lacks (its /Schemas), then those it does not keep (learnt from answers).
    auto leave_out = [&](nlohmann::json& body) {
        std::vector<std::string> paths;
        if (capabilities.user_attributes)
            paths = scim::drop_unknown_attributes(body, *capabilities.user_attributes);
        const bool any = scim::drop_attributes(body, unkept);
        learnt_dropped = learnt_dropped || any;
        return !paths.empty() || any ? std::optional(paths) : std::nullopt;
    };
    for (auto& desired : mapped.desired) {
        if (desired.let_go_of) continue; // unchanged at a glance with what the target had said
        if (desired.packed.empty()) {
            if (auto paths = leave_out(desired.body)) dropped.insert(paths->begin(), paths->end());
            continue;
        }
        auto body = desired.packed.parse();
        auto paths = leave_out(body);
        if (!paths) continue;
        desired.packed = scim::PackedJson(body);
        desired.sent_fingerprint = 0; // planned the slow way
        dropped.insert(paths->begin(), paths->end());
    }
    leave_out_of_stored(capabilities, snapshot.resources);
    if (!dropped.empty())
        spdlog::warn("the target has no {} (its /Schemas says so); left out of what is sent",
                     fmt::format("{}", fmt::join(dropped, ", ")));
    if (learnt_dropped)
        spdlog::info("the target does not keep {} (learnt from its answers); left out of what is "
                     "sent and compared",
                     fmt::format("{}", fmt::join(unkept, ", ")));
    return !dropped.empty() || learnt_dropped;
}

} // namespace hr2scim::agent
