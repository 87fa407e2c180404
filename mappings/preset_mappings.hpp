#pragma once
// The mapping presets (mappings/presets/*.yaml) compiled into the binary: a config names one as
// `mapping: preset:<name>`, and a source preset brings its own. Nothing to install or find.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::mappings {

struct PresetMapping {
    std::string_view name; // the file's name without .yaml
    std::string_view text;
};

[[nodiscard]] std::span<const PresetMapping> preset_mappings();

// "preset:personio" names a preset; the name, or nothing for a file path.
[[nodiscard]] std::optional<std::string_view> preset_name(const std::filesystem::path& mapping);
// The preset's text, or why there is none (naming the presets there are).
[[nodiscard]] tl::expected<std::string_view, std::string>
preset_mapping_text(std::string_view name);

// A mapping's text: the preset's for "preset:<name>", else the file's (a regular file, at most
// `max_bytes`). The one way a mapping is read, so that a plan's fingerprint and the service
// loop's pinned copy see what the run loads.
[[nodiscard]] tl::expected<std::string, std::string>
read_mapping_text(const std::filesystem::path& mapping, std::uintmax_t max_bytes);

} // namespace hr2scim::mappings
