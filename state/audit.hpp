#pragma once
// The audit trail: one entry for every operation hr2scim sent (whatever its outcome), every
// one a safety gate or a failed source held back, and every record it rejected, so that
// `hr2scim history KEY` can say what happened to a person, when, in which run, and why.
// Kept audit.keep_days (pruned after each sync). Attribute values are kept for changes, with
// those of sensitive attributes (audit.sensitive) replaced by "(redacted)".

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hr2scim::state {

struct AuditEntry {
    std::int64_t run_id = 0;
    std::string target{};
    std::string key{};
    std::string operation{}; // "create", "update", ..., "reject record"
    // For a change: [{"attribute": path, "from": value, "to": value}]; for a create: the
    // attribute names it set.
    nlohmann::json attributes = nlohmann::json::array();
    std::string status{}; // "done", "refused", ..., "withheld", "rejected"
    std::string error{};  // why it failed, or why it was withheld or rejected
    std::string reason{}; // why it was planned (scope, lifecycle, "not in the source", ...)
};

struct AuditRecord {
    std::int64_t id = 0;
    std::string at; // "2026-11-25T04:00:00.123Z"
    AuditEntry entry;
};

// The entries about `key` in a state file, oldest first, read without writing anything; keys
// compare as the source's do (trimmed, and ignoring ASCII case unless case_sensitive).
[[nodiscard]] std::vector<AuditRecord> read_audit(const std::filesystem::path& state,
                                                  const std::string& key, bool case_sensitive);

// An attribute path is sensitive when it is one of `sensitive` or lies under one
// ("phoneNumbers" covers phoneNumbers[type eq "mobile"].value).
[[nodiscard]] bool is_sensitive(const std::string& path, const std::vector<std::string>& sensitive);

} // namespace hr2scim::state
