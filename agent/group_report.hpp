#pragma once
// What the mapping's `groups:` rules made of a run's people, for validate, plan and explain:
// how many groups, how many memberships, and groups that people's records name differently.

#include "mappings/mapping.hpp"
#include "scim/desired_resource.hpp"

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

// Whose groups count: provisioned people whose last working day has not passed.
[[nodiscard]] bool holds_groups(const scim::DesiredResource& person);

[[nodiscard]] GroupTally tally_groups(const std::vector<scim::DesiredResource>& people);

// "Groups: 3 from 2 rules, 7 memberships ...", and any conflicts. Nothing without rules.
void print_group_tally(std::ostream& out, std::string_view label, const mappings::Mapping& mapping,
                       const GroupTally& tally);

// One person's groups, and for each rule that gave them none, why.
void print_person_groups(std::ostream& out, const mappings::Mapping& mapping,
                         const connectors::Record& record, const scim::DesiredResource& person,
                         mappings::Instant now);

} // namespace hr2scim::agent
