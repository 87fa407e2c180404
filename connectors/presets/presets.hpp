#pragma once
// One file per vendor, each defining its preset from the vendor's public API reference.

#include "connectors/source_preset.hpp"

namespace hr2scim::connectors::presets {

extern const SourcePreset adp_workforce_now;
extern const SourcePreset bamboohr;
extern const SourcePreset hibob;
extern const SourcePreset personio;
extern const SourcePreset successfactors;
extern const SourcePreset workday_raas;
extern const SourcePreset workday_rest;

} // namespace hr2scim::connectors::presets
