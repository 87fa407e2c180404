#pragma once
// Which SCIM Groups one record belongs to, by the mapping's `groups:` rules. No I/O, no state.

#include "connectors/record.hpp"
#include "mappings/mapping.hpp"
#include "scim/desired_resource.hpp"

#include <string>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::mappings {

// The groups in rule order, each group (by key) once. A rule whose members condition is false,
// a for_each that gives nothing and a display name that comes out empty give no group. A
// display name without the external_id its rule asks for, or a function that cannot use its
// input, is an error naming the rule: the record is rejected, never taken out of its groups.
[[nodiscard]] tl::expected<std::vector<scim::GroupMembership>, std::string>
derive_groups(const Mapping& mapping, const connectors::Record& record, Instant now);

} // namespace hr2scim::mappings
