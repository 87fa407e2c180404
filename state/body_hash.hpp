#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hr2scim::state {

// A stable fingerprint of a body (FNV-1a 64 over its canonical, key-sorted JSON): cheap
// change detection and a way to compare state files, not a security measure.
[[nodiscard]] std::string body_hash(const nlohmann::json& body);
// The same over a body's text as dump() writes it.
[[nodiscard]] std::string text_hash(std::string_view text);

} // namespace hr2scim::state
