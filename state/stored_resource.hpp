#pragma once
// What the state remembers of one source key on one target.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::state {

enum class ResourceStatus {
    pending_create, // journaled before the POST; the answer has not been seen yet
    active,
    deactivated,
};

[[nodiscard]] std::string_view to_string(ResourceStatus status);
[[nodiscard]] std::optional<ResourceStatus> resource_status_from(std::string_view text);

struct StoredResource {
    std::string key;
    std::string scim_id; // empty while pending_create
    ResourceStatus status = ResourceStatus::active;
    nlohmann::json body; // the last body the target accepted (or, while pending, the one sent)
    // When it became inactive (first saved as deactivated); the grace before DELETE counts from
    // here.
    std::optional<std::chrono::sys_seconds> deactivated_at;
    // The target's version of the user (its ETag) as last answered; empty: not known.
    std::string version{};
    // fingerprint_value(body.dump()) as saved (the body_hash column's hex digits). At scale the
    // snapshot is read without bodies (has_body false): planning compares this with each person's
    // fingerprint, and reads the bodies of those who differ (state::resources_needing_bodies).
    std::uint64_t body_hash = 0; // 0: not known
    bool has_body = true;
};

// What the state remembers of someone absent from earlier complete reads.
struct AbsenceMark {
    std::chrono::sys_seconds first_absent{};
    size_t reads = 0;
};

} // namespace hr2scim::state
