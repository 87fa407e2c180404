#include "connectors/source_preset.hpp"

#include "connectors/presets/presets.hpp"

#include <algorithm>
#include <array>

namespace hr2scim::connectors {

std::span<const SourcePreset* const> source_presets() {
    static const std::array<const SourcePreset*, 7> k_presets = {
        &presets::adp_workforce_now, &presets::bamboohr,       &presets::hibob,
        &presets::personio,          &presets::successfactors, &presets::workday_raas,
        &presets::workday_rest};
    return k_presets;
}

const SourcePreset* find_source_preset(std::string_view name) {
    const auto all = source_presets();
    const auto found =
        std::ranges::find_if(all, [&](const auto* preset) { return preset->name == name; });
    return found == all.end() ? nullptr : *found;
}

} // namespace hr2scim::connectors
