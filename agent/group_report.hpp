#pragma once
// What the mapping's `groups:` rules made of a run's people, for validate, plan and explain:
// how many groups, how many memberships, and groups that people's records name differently.

#include "agent/person_summaries.hpp"
#include "apply/group_outcome.hpp"
#include "mappings/mapping.hpp"
#include "scim/desired_resource.hpp"
#include "state/group_plan.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::agent {

struct GroupTally {
    size_t groups = 0;
    size_t memberships = 0; // of provisioned people only: nobody else is a member
    // One group key, two names or extension values: the first record's are kept.
    std::vector<std::string> conflicts;
};

[[nodiscard]] GroupTally tally_groups(const std::vector<scim::DesiredResource>& people);
// The same tally of summaries (validate).
[[nodiscard]] GroupTally tally_groups(const PersonSummaries& people);

// "Groups: 3 from 2 rules, 7 memberships ...", and any conflicts. Nothing without rules.
void print_group_tally(std::ostream& out, std::string_view label, const mappings::Mapping& mapping,
                       const GroupTally& tally);

// The tally, then what the group plan would do (a preview: nothing is sent for groups yet).
void print_group_plan(std::ostream& out, const mappings::Mapping& mapping, const GroupTally& tally,
                      const state::GroupPlan& plan);

// Each group operation of a plan, one line each ("  + add to \"Dept - Research\": E1002"), as
// `apply FILE` shows what it is about to send.
void print_group_operations(std::ostream& out, const state::GroupPlan& plan);

// What the group plan's operations did on the target.
void print_groups_sent(std::ostream& out, const std::string& target,
                       const apply::GroupResults& results);

// One person's groups, and for each rule that gave them none, why.
void print_person_groups(std::ostream& out, const mappings::Mapping& mapping,
                         const connectors::Record& record, const scim::DesiredResource& person,
                         mappings::Instant now);

} // namespace hr2scim::agent
