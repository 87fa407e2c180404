#pragma once
// Reads a file an admin names (a config, a mapping, a plan): only a regular file, opened
// without waiting (a FIFO would block a run, and a SIGHUP, for ever), at most `max_bytes`.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::mappings {

// The text, or why not: "cannot open <what> <file>: not a regular file (...); refused".
[[nodiscard]] tl::expected<std::string, std::string>
read_regular_file(const std::filesystem::path& file, std::string_view what,
                  std::uintmax_t max_bytes);

} // namespace hr2scim::mappings
