#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hr2scim::state {

// The state's fingerprint of a body (XXH3 64 over its text as dump() writes it, 16 hex
// digits): the `body_hash` column of each resource, and each person's `sent_fingerprint`.
// Equal fingerprints mean unchanged without a diff. Cheap change detection, not a security
// measure; schema 10 took it over from FNV-1a and recomputed every stored row.
[[nodiscard]] std::string fingerprint(std::string_view body_text);

// Digests shown to approvers and recorded in plan files (FNV-1a 64 over the canonical,
// key-sorted JSON, 16 hex digits): kept as they were, so plan files and approvals made by an
// older hr2scim still verify. Not the state's fingerprint.
[[nodiscard]] std::string digest(const nlohmann::json& value);
// The same over a text.
[[nodiscard]] std::string text_digest(std::string_view text);

} // namespace hr2scim::state
