#pragma once
// Instants as the state file keeps them: "2026-11-22T13:05:00Z" (UTC, whole seconds).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::state {

[[nodiscard]] std::string to_timestamp(std::chrono::sys_seconds instant);
[[nodiscard]] std::optional<std::chrono::sys_seconds> from_timestamp(std::string_view text);

} // namespace hr2scim::state
