#pragma once
// A plan written to a file for review (`plan --out FILE`) and applied later exactly as it
// was reviewed (`apply FILE`). The file says what it was made from: fingerprints of the
// config and the mapping, the revision of the state, the run's instant. Versioned JSON, with
// a digest of the origin and every operation that `apply` checks.

#include "state/group_plan.hpp"
#include "state/plan.hpp"
#include "state/stored_group.hpp"
#include "state/stored_resource.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::state {

inline constexpr int k_plan_file_version = 1;

struct PlanOrigin {
    std::string target;
    std::string config_fingerprint;
    std::string mapping_fingerprint;
    std::string state_revision;
    std::chrono::sys_seconds as_of{};
    // Made with --adopt-existing on a first run: apply takes over the accounts that match. In
    // the file (and its digest) only when set, so that plans made before read as they did.
    bool adopt_existing = false;
};

struct PlanFile {
    PlanOrigin origin;
    Plan plan;
    GroupPlan groups;   // the group changes, sent after the users' (members need their ids)
    std::string digest; // operations_digest, as verified
};

// A plan file larger than this is refused unread (a million creates are about 1 GiB).
inline constexpr std::uintmax_t k_max_plan_file_bytes = std::uintmax_t{4} << 30;

// `groups`: the run's group changes, when the mapping has group rules (a "groups" object with
// their operations and withheld ones, under the same digest).
[[nodiscard]] nlohmann::json plan_to_json(const Plan& plan, const PlanOrigin& origin,
                                          const GroupPlan* groups = nullptr);
// The same JSON as plan_to_json, written piece by piece (a plan of a million creates is a
// gigabyte of text).
void write_plan_json(const std::function<void(std::string_view)>& write, const Plan& plan,
                     const PlanOrigin& origin, const GroupPlan* groups = nullptr);
// The plan, or why the file cannot be one (version, shape, or operations that do not match
// the file's operations_digest: the file was edited after it was made).
[[nodiscard]] tl::expected<PlanFile, std::string> plan_from_json(const nlohmann::json& file);

// The first operation that names an account the state does not map to its key (a scim_id
// edited into a plan file), said as "operation 3 (deactivate E5): ...", or nothing.
[[nodiscard]] std::optional<std::string>
foreign_account(const Plan& plan, const std::vector<StoredResource>& resources,
                bool case_sensitive_keys);

// The first group operation that names a group the state does not map to its key, or nothing.
[[nodiscard]] std::optional<std::string> foreign_group(const GroupPlan& plan,
                                                       const std::vector<StoredGroup>& groups);

// A fingerprint of what the state holds for one target: any write changes it. Groups count
// when there are any (a state without groups has the fingerprint it had before groups).
// It covers each row's body_hash: a plan file made before schema 10 (FNV-1a body_hash) no
// longer matches a migrated state, and apply refuses it as "the state changed".
[[nodiscard]] std::string state_revision(const std::vector<StoredResource>& resources,
                                         const std::vector<StoredGroup>& groups = {});

} // namespace hr2scim::state
