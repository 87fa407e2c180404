#include "mappings/preset_mappings.hpp"

#include "mappings/text_file.hpp"

#include <algorithm>

namespace hr2scim::mappings {

constexpr std::string_view k_preset_prefix = "preset:";

std::optional<std::string_view> preset_name(const std::filesystem::path& mapping) {
    const auto& text = mapping.native();
    if (!text.starts_with(k_preset_prefix)) return std::nullopt;
    return std::string_view(text).substr(k_preset_prefix.size());
}

tl::expected<std::string_view, std::string> preset_mapping_text(std::string_view name) {
    const auto presets = preset_mappings();
    const auto found =
        std::ranges::find_if(presets, [&](const auto& preset) { return preset.name == name; });
    if (found != presets.end()) return found->text;
    std::string known;
    for (const auto& preset : presets)
        known += (known.empty() ? "" : ", ") + std::string(preset.name);
    return tl::unexpected("no mapping preset '" + std::string(name) + "' (there are: " + known +
                          ")");
}

tl::expected<std::string, std::string> read_mapping_text(const std::filesystem::path& mapping,
                                                         std::uintmax_t max_bytes) {
    if (auto name = preset_name(mapping))
        return preset_mapping_text(*name).map([](auto text) { return std::string(text); });
    return read_regular_file(mapping, "mapping file", max_bytes);
}

} // namespace hr2scim::mappings
