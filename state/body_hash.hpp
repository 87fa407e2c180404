#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hr2scim::state {

// The state's fingerprint of a body (XXH3 64 over its text as dump() writes it, 16 hex
// digits): the `body_hash` column of each resource, and each person's `sent_fingerprint`.
// Equal fingerprints mean unchanged without a diff. Cheap change detection, not a security
// measure; schema 10 took it over from FNV-1a and recomputed every stored row.
[[nodiscard]] std::string fingerprint(std::string_view body_text);
// The same as a number, as planning holds it (8 bytes; 16 hex digits in a std::string took 64
// with their allocation, twice per person at a million people). 0 stands for "not known".
[[nodiscard]] std::uint64_t fingerprint_value(std::string_view body_text);
[[nodiscard]] std::string fingerprint_text(std::uint64_t value);
// A stored fingerprint's 16 hex digits as a number; 0 when they are anything else (the person is
// then planned the slow way, by a diff).
[[nodiscard]] std::uint64_t fingerprint_from_text(std::string_view text);

// Digests shown to approvers and recorded in plan files (FNV-1a 64 over the canonical,
// key-sorted JSON, 16 hex digits): kept as they were, so plan files and approvals made by an
// older hr2scim still verify. Not the state's fingerprint.
[[nodiscard]] std::string digest(const nlohmann::json& value);
// The same over a text.
[[nodiscard]] std::string text_digest(std::string_view text);

} // namespace hr2scim::state
