#include "agent/prepare.hpp"

#include "connectors/source_registry.hpp"
#include "http/log_fields.hpp"
#include "mappings/mapper.hpp"
#include "scim/target_profile.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace hr2scim::agent {
Prepared prepare(Config config, const std::string& log_level,
                 std::optional<mappings::Instant> as_of, const PinnedConfig* pinned,
                 SharedSources* shared) {
    Prepared prepared{std::move(config),
                      {},
                      {},
                      {},
                      as_of.value_or(std::chrono::time_point_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now()))};
    spdlog::set_level(
        spdlog::level::from_str(log_level.empty() ? prepared.config.log_level : log_level));
    http::set_log_target(prepared.config.target.name);
    const auto pinned_mapping = pinned ? pinned->mappings.find(prepared.config.mapping)
                                       : decltype(pinned->mappings.end()){};
    prepared.mapping = pinned && pinned_mapping != pinned->mappings.end()
                           ? mappings::parse_mapping(pinned_mapping->second, pinned_mapping->first)
                           : mappings::load_mapping(prepared.config.mapping);
    const auto& config_file = prepared.config.file;
    // An upload target takes users only (bulkUpload: POST /Users operations): groups would be
    // planned and never sent.
    if (scim::TargetProfile::uploads_only(prepared.config.target.profile) &&
        !prepared.mapping.groups.empty())
        throw ConfigError(config_file.string() + ": target " + prepared.config.target.name +
                          ": target.profile entra_inbound takes users only (Entra's inbound "
                          "provisioning API has no groups), and the mapping " +
                          prepared.config.mapping.string() +
                          " has `groups:`; give this target a mapping without them");
    auto make = [&](const std::string& type, const connectors::SourceOptions& options,
                    const std::string& where) {
        try {
            return connectors::find_source_kind(type)->make(options);
        } catch (const connectors::OptionError& error) {
            throw ConfigError(config_file.string() + ": " + where + "." + error.option + ": " +
                              error.what());
        }
    };
    auto source = [&](std::shared_ptr<connectors::SharedRead>& read, const std::string& type,
                      const connectors::SourceOptions& options,
                      const std::string& where) -> std::unique_ptr<connectors::Source> {
        if (!shared) return make(type, options, where);
        if (!read) read = std::make_shared<connectors::SharedRead>(make(type, options, where));
        return std::make_unique<connectors::SharedReadSource>(read);
    };
    std::shared_ptr<connectors::SharedRead> unshared;
    prepared.source = source(shared ? shared->primary : unshared, prepared.config.source_type,
                             prepared.config.source, "source");
    if (shared) shared->joins.resize(prepared.config.joins.size());
    for (size_t i = 0; i < prepared.config.joins.size(); ++i) {
        const auto& join = prepared.config.joins[i];
        prepared.joins.push_back(
            {&join, source(shared ? shared->joins[i] : unshared, join.source_type, join.source,
                           "join " + join.name + ": source")});
    }
    return prepared;
}

Config read_config(const RunOptions& options) {
    return options.pinned ? parse_config(options.pinned->config_text, options.config)
                          : load_config(options.config);
}

} // namespace hr2scim::agent
