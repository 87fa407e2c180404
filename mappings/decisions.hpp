#pragma once
// Scope and lifecycle: whether a person in the source gets an account now, an inactive one
// before their start, or loses it after their last day. Decided from dates and the run's
// instant, so a run on any day does what the dates say, and a missed day catches up.

#include "connectors/record.hpp"
#include "mappings/mapping.hpp"
#include "scim/desired_resource.hpp"

#include <optional>
#include <string>

namespace hr2scim::mappings {

// Sets desired.disposition, .deletable, .decision and, when the dates say so, active:false.
// Returns why the record cannot be decided (a date that is not a date, an unknown zone).
[[nodiscard]] std::optional<std::string> decide(const Mapping& mapping,
                                                const connectors::Record& record, Instant now,
                                                scim::DesiredResource& desired);

} // namespace hr2scim::mappings
