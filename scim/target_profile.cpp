#include "scim/target_profile.hpp"

#include <array>
#include <spdlog/spdlog.h>
#include <utility>

namespace hr2scim::scim {
namespace {

constexpr std::array<std::pair<Dialect, std::string_view>, 5> k_dialects{{
    {Dialect::automatic, "auto"},
    {Dialect::rfc7644, "rfc7644"},
    {Dialect::put_only, "put_only"},
    {Dialect::minimal, "minimal"},
    {Dialect::entra, "entra"},
}};

// What the config's dialect says over what the target said.
void override_by(Dialect dialect, Capabilities& capabilities) {
    switch (dialect) {
    case Dialect::rfc7644:
        capabilities.patch = capabilities.filter = true;
        break;
    case Dialect::put_only:
        capabilities.patch = false;
        break;
    case Dialect::minimal:
        capabilities.patch = capabilities.filter = false;
        break;
    case Dialect::automatic:
    case Dialect::entra:
        break;
    }
}

} // namespace

std::string_view dialect_name(Dialect dialect) {
    for (const auto& [each, name] : k_dialects)
        if (each == dialect) return name;
    return "?";
}

std::optional<Dialect> dialect_named(std::string_view name) {
    for (const auto& [dialect, each] : k_dialects)
        if (each == name) return dialect;
    return std::nullopt;
}

std::string dialect_names() {
    std::string names;
    for (const auto& [dialect, name] : k_dialects)
        names += (names.empty() ? "" : ", ") + std::string(name);
    return names;
}

PatchStyle TargetProfile::patch_style(Dialect dialect) {
    return dialect == Dialect::entra ? PatchStyle::entra : PatchStyle::rfc7644;
}

TargetProfile TargetProfile::make(const std::string& name, Dialect dialect, Capabilities discovered,
                                  const std::optional<Capabilities>& earlier) {
    // What earlier runs learnt from its answers still holds.
    if (earlier) carry_learnt(discovered, *earlier);
    if (!discovered.patch_refused.empty() && dialect == Dialect::automatic)
        spdlog::info("target {}: PATCH is not used ({}); changes are read-modify-write PUTs. "
                     "Say `target.profile: put_only` in the config to make it explicit",
                     name, discovered.patch_refused);
    override_by(dialect, discovered);
    spdlog::info("target {} ({}): {}, {}{}", name, discovered.described_by,
                 discovered.patch ? "PATCH" : "no PATCH (PUT)",
                 discovered.filter ? "filters" : "no filters (users listed once)",
                 dialect == Dialect::automatic
                     ? ""
                     : ", as target.profile " + std::string(dialect_name(dialect)) + " says");
    return {dialect, std::move(discovered)};
}

std::set<std::string> TargetProfile::unkept_paths() const {
    return scim::unkept_paths(m_capabilities);
}

std::set<std::string> unkept_paths(const Capabilities& capabilities) {
    std::set<std::string> paths;
    for (const auto& [path, evidence] : capabilities.unkept)
        paths.insert(path);
    return paths;
}

} // namespace hr2scim::scim
