#pragma once
// One record to the SCIM User the target should hold, and what scope and lifecycle decide
// for it. No I/O, no state; the run's instant `now` is the only clock.

#include "connectors/record.hpp"
#include "mappings/mapping.hpp"
#include "scim/desired_resource.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::mappings {

// The reason is ready for a report line ("active: 'maybe' is not true or false").
[[nodiscard]] tl::expected<scim::DesiredResource, std::string>
map_record(const Mapping& mapping, const connectors::Record& record, Instant now);

// What each rule made of one record, for `hr2scim explain`.
struct RuleOutcome {
    std::string target; // "title"
    std::string rule;   // as written: "column job_title", "{lower(email)}"
    std::string value;  // the value, as text; empty when there is none
    std::string
        note; // "default used", "empty: left as the target has it", "set on create only", ...
};

[[nodiscard]] std::vector<RuleOutcome> trace_record(const Mapping& mapping,
                                                    const connectors::Record& record, Instant now);

// true/false, yes/no, 1/0, in any case.
[[nodiscard]] std::optional<bool> parse_boolean(std::string_view text);

} // namespace hr2scim::mappings
