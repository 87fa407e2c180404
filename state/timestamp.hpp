#pragma once
// Instants as the state file keeps them: "2026-11-22T13:05:00Z" (UTC, whole seconds).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::state {

// SQLite's "now" as the state writes timestamps (UTC, milliseconds), to put in a statement.
inline constexpr std::string_view k_sql_now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

[[nodiscard]] std::string to_timestamp(std::chrono::sys_seconds instant);
[[nodiscard]] std::optional<std::chrono::sys_seconds> from_timestamp(std::string_view text);

} // namespace hr2scim::state
