#pragma once
// Source presets: `source: {preset: personio, ...}` is an http_api source already pointed at
// the vendor's documented endpoint, auth, pagination and record layout, with its fields under
// the names the vendor's mapping preset reads. Everything a preset sets can be overridden in
// the config; its `fields:` can be changed one by one (custom fields differ per tenant).

#include "connectors/source.hpp"

#include <span>
#include <string_view>

namespace hr2scim::connectors {

struct PresetValue {
    std::string_view name;
    std::string_view value; // "{company}": the parameter's value
};

struct SourcePreset {
    std::string_view name;       // what `preset:` says
    std::string_view vendor;     // for messages and docs
    std::string_view type;       // the source kind it configures
    std::string_view documented; // the vendor's API reference page it follows
    // What only the tenant knows (its company name, its API host), with defaults where the
    // vendor has one host for all.
    std::span<const OptionSpec> parameters;
    std::span<const PresetValue> options;
    // name: path (connectors/field_path.hpp); a path ending in '?' may be missing from every
    // record (a termination date nobody has yet).
    std::span<const PresetValue> fields;
    std::string_view mapping; // the mapping preset used when the config names none
};

[[nodiscard]] std::span<const SourcePreset* const> source_presets();
[[nodiscard]] const SourcePreset* find_source_preset(std::string_view name);

} // namespace hr2scim::connectors
