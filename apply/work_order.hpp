#pragma once
// Offboarding first: when a run cannot send everything at once (a target's budget, a per-run
// limit), the operations that take access away go before those that give it. Within an urgency,
// plan order; dependencies (a person's operations in order, a manager link after both creates)
// always hold.

#include "state/group_plan.hpp"
#include "state/plan.hpp"

#include <cstdint>
#include <string_view>

namespace hr2scim::apply {

enum class Urgency : std::uint8_t {
    revoke,   // deactivations and deletions
    restrict, // changes that remove access: group member removals, group deletions
    change,   // other updates, manager links
    grant,    // creates, reactivations, group creations and additions
};

[[nodiscard]] Urgency urgency(const state::Operation& operation);
[[nodiscard]] Urgency urgency(const state::GroupOperation& operation);

} // namespace hr2scim::apply
