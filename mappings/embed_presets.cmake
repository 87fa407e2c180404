# Writes ${OUTPUT}: every mapping preset (mappings/presets/*.yaml) as text in the binary, so that
# `mapping: preset:personio` (or a source preset's own mapping) needs no file installed.
file(GLOB preset_files "${PRESET_DIR}/*.yaml")
list(SORT preset_files)
set(entries "")
list(LENGTH preset_files preset_count)
foreach(preset_file IN LISTS preset_files)
  get_filename_component(preset_name "${preset_file}" NAME_WE)
  file(READ "${preset_file}" preset_text)
  string(APPEND entries "    {\"${preset_name}\", R\"hr2scim_preset(${preset_text})hr2scim_preset\"},\n")
endforeach()
file(WRITE "${OUTPUT}.new" "// Generated from mappings/presets/*.yaml by mappings/embed_presets.cmake; do not edit.
#include \"mappings/preset_mappings.hpp\"

#include <array>

namespace hr2scim::mappings {

std::span<const PresetMapping> preset_mappings() {
    static constexpr std::array<PresetMapping, ${preset_count}> k_presets = {{
${entries}    }};
    return k_presets;
}

} // namespace hr2scim::mappings
")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
