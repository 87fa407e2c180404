#pragma once
// A run made ready before anything is read: its config, its mapping, its sources (joined ones
// included) and the one instant the whole run uses.

#include "agent/config.hpp"
#include "agent/run.hpp"
#include "connectors/shared_read.hpp"
#include "connectors/source.hpp"
#include "mappings/mapping.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::agent {

struct JoinedSource {
    const JoinConfig* config;
    std::unique_ptr<connectors::Source> source;
};

struct Prepared {
    Config config;
    mappings::Mapping mapping;
    std::unique_ptr<connectors::Source> source;
    std::vector<JoinedSource> joins;
    mappings::Instant now; // one instant for the whole run
};

// One read of the sources for every target of a run: the first target's preparation makes
// them, the others read through them.
struct SharedSources {
    std::shared_ptr<connectors::SharedRead> primary;
    std::vector<std::shared_ptr<connectors::SharedRead>> joins;
};

[[nodiscard]] Prepared prepare(Config config, const std::string& log_level,
                               std::optional<mappings::Instant> as_of, const PinnedConfig* pinned,
                               SharedSources* shared = nullptr);

// The config of the files, or the one a service loop pinned.
[[nodiscard]] Config read_config(const RunOptions& options);

} // namespace hr2scim::agent
