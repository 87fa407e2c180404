// The mapping's `groups:` section: how it loads, what it refuses, and which groups a record
// belongs to.
#include "mapping_load_error.hpp"
#include "mappings/group_membership.hpp"
#include "mappings/mapper.hpp"
#include "mappings/mapping.hpp"

#include <gtest/gtest.h>

namespace hr2scim::mappings {
namespace {

const Instant k_now = *parse_instant("2026-11-22T13:05:00Z");
constexpr const char* k_acme = "urn:example:params:scim:schemas:extension:acme:2.0:Group";

std::string with_groups(const std::string& groups) {
    return "attributes:\n  userName: '{mail}'\ngroups:\n" + groups;
}

connectors::Record person(connectors::Attributes attributes) {
    return {"E1", std::move(attributes), "hr.csv:2"};
}

std::vector<scim::GroupMembership> groups_of(const std::string& groups,
                                             connectors::Attributes attributes) {
    auto mapping = parse_mapping(with_groups(groups), "m.yaml");
    auto derived = derive_groups(mapping, person(std::move(attributes)), k_now);
    EXPECT_TRUE(derived) << derived.error();
    return derived ? *derived : std::vector<scim::GroupMembership>{};
}

std::vector<std::string> names(const std::vector<scim::GroupMembership>& groups) {
    std::vector<std::string> out;
    for (const auto& group : groups)
        out.push_back(group.display_name);
    return out;
}

TEST(GroupRules, OneGroupPerValueWithItsKeyAndExtension) {
    auto groups = groups_of(R"(  departments:
    for_each: "{department}"
    display_name: "Dept - {each}"
    external_id: "dept-{lower(each)}"
    attributes:
      "urn:example:params:scim:schemas:extension:acme:2.0:Group:costCenter": "{cc}"
)",
                            {{"mail", {"a@x"}}, {"department", {" Finance "}}, {"cc", {"CC-1"}}});
    ASSERT_EQ(groups.size(), 1U);
    EXPECT_EQ(groups[0].display_name, "Dept - Finance"); // the value is trimmed
    EXPECT_EQ(groups[0].external_id, "dept-finance");
    EXPECT_EQ(groups[0].key, "dept-finance"); // the externalId: a rename keeps the key
    EXPECT_EQ(groups[0].rule, "departments");
    EXPECT_EQ(groups[0].extension[k_acme]["costCenter"], "CC-1");
}

TEST(GroupRules, AListGivesOneGroupPerDistinctItem) {
    const std::string roles = R"(  roles:
    for_each: '{split(roles, ";")}'
    display_name: "Role {each}"
)";
    EXPECT_EQ(names(groups_of(roles, {{"mail", {"a@x"}}, {"roles", {"sales;admin;;sales"}}})),
              (std::vector<std::string>{"Role sales", "Role admin"}));
    // A multi-valued attribute (LDAP memberOf) is a list as it is.
    const std::string member_of = R"(  ldap:
    for_each: "{memberOf}"
    display_name: "{each}"
)";
    EXPECT_EQ(names(groups_of(member_of, {{"mail", {"a@x"}}, {"memberOf", {"cn=a", "cn=b"}}})),
              (std::vector<std::string>{"cn=a", "cn=b"}));
    EXPECT_TRUE(groups_of(member_of, {{"mail", {"a@x"}}}).empty()); // no value: no group
}

TEST(GroupRules, FixedGroupsFollowTheirMembersCondition) {
    const std::string rules = R"(  managers:
    display_name: All managers
    members: 'is_manager == "yes"'
  everyone:
    display_name: All employees
)";
    EXPECT_EQ(names(groups_of(rules, {{"mail", {"a@x"}}, {"is_manager", {"yes"}}})),
              (std::vector<std::string>{"All managers", "All employees"}));
    EXPECT_EQ(names(groups_of(rules, {{"mail", {"a@x"}}, {"is_manager", {"no"}}})),
              (std::vector<std::string>{"All employees"}));
    EXPECT_EQ(groups_of(rules, {{"mail", {"a@x"}}})[0].key, "All employees"); // no externalId
}

TEST(GroupRules, EachGroupOnceAndAnEmptyNameGivesNone) {
    const std::string rules = R"(  a:
    for_each: "{team}"
    display_name: "{each}"
  b:
    display_name: "{team}"
  c:
    display_name: "{unit}"
)";
    EXPECT_EQ(names(groups_of(rules, {{"mail", {"a@x"}}, {"team", {"Blue"}}})),
              (std::vector<std::string>{"Blue"}));
}

TEST(GroupRules, EachIsASourceAttributeOutsideForEach) {
    // Without for_each, `each` is a column like any other.
    EXPECT_EQ(names(groups_of("  x:\n    display_name: '{each}'\n",
                              {{"mail", {"a@x"}}, {"each", {"Column"}}})),
              (std::vector<std::string>{"Column"}));
}

TEST(GroupRules, AMissingExternalIdRejectsTheRecordNamingTheRule) {
    auto mapping = parse_mapping(with_groups(R"(  departments:
    for_each: "{department}"
    display_name: "{each}"
    external_id: "{code}"
)"),
                                 "m.yaml");
    auto mapped =
        map_record(mapping, person({{"mail", {"a@x"}}, {"department", {"Sales"}}}), k_now);
    ASSERT_FALSE(mapped);
    EXPECT_EQ(mapped.error(),
              "groups.departments: external_id is empty for the group 'Sales' ({code})");
    auto fine = map_record(
        mapping, person({{"mail", {"a@x"}}, {"department", {"Sales"}}, {"code", {"S1"}}}), k_now);
    ASSERT_TRUE(fine) << fine.error();
    ASSERT_EQ(fine->groups.size(), 1U);
    EXPECT_EQ(fine->groups[0].key, "S1");
}

TEST(GroupRules, AFunctionErrorRejectsTheRecordNamingTheRule) {
    auto mapping =
        parse_mapping(with_groups("  x:\n    display_name: '{left(name, size)}'\n"), "m.yaml");
    auto mapped =
        map_record(mapping, person({{"mail", {"a@x"}}, {"name", {"Ada"}}, {"size", {"a"}}}), k_now);
    ASSERT_FALSE(mapped);
    EXPECT_EQ(mapped.error().rfind("groups.x: ", 0), 0U) << mapped.error();
}

TEST(GroupRules, WithoutGroupsNothingIsDerived) {
    auto mapping = parse_mapping("attributes:\n  userName: '{mail}'\n", "m.yaml");
    auto mapped = map_record(mapping, person({{"mail", {"a@x"}}}), k_now);
    ASSERT_TRUE(mapped);
    EXPECT_TRUE(mapped->groups.empty());
}

TEST(GroupRules, MistakesNameFileLineAndColumn) {
    EXPECT_EQ(load_error(with_groups("  - a\n")),
              "m.yaml:4:3: `groups:` must be a map of group rules, each with a display_name");
    EXPECT_EQ(load_error(with_groups("  a:\n    for_each: '{x}'\n")),
              "m.yaml:4:3: group rule 'a' needs a display_name");
    EXPECT_EQ(load_error(with_groups("  a:\n    for_each: '{x}'\n    display_name: Same\n")),
              "m.yaml:4:3: group rule 'a' has for_each, but neither display_name nor "
              "external_id uses {each}: every value would make the same group");
    EXPECT_EQ(load_error(with_groups("  a:\n    for_each: '{each}'\n    display_name: '{each}'\n")),
              "m.yaml:4:3: group rule 'a': for_each gives the values {each} names; it cannot "
              "use {each}");
    EXPECT_EQ(load_error(with_groups("  a:\n    display_name: x\n    member: 'y'\n")),
              "m.yaml:6:5: unknown key 'member' in group rule 'a' (expected: for_each, "
              "display_name, external_id, members, attributes)");
    EXPECT_EQ(load_error(with_groups("  a:\n    display_name: '{lowr(x)}'\n"))
                  .rfind("m.yaml:5:21: unknown function 'lowr'", 0),
              0U);
    EXPECT_EQ(load_error(with_groups("  a:\n    display_name: x\n    members: 'a =='\n"))
                  .rfind("m.yaml:6:", 0),
              0U);
    EXPECT_EQ(load_error(with_groups("  a:\n    display_name: x\n    attributes:\n"
                                     "      costCenter: y\n")),
              "m.yaml:7:7: 'costCenter' is not an extension attribute (expected "
              "\"urn:<schema>:<attribute>\", for example "
              "\"urn:example:params:scim:schemas:extension:acme:2.0:Group:costCenter\")");
    EXPECT_EQ(load_error(with_groups("  a:\n    display_name: x\n    attributes:\n"
                                     "      urn:ietf:params:scim:schemas:core:2.0:Group:"
                                     "displayName: y\n")),
              "m.yaml:7:7: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName': "
              "displayName, externalId and members are set by the rule itself, not as "
              "attributes");
    EXPECT_EQ(load_error(with_groups("  a:\n    display_name: x\n  a:\n    display_name: y\n")),
              "m.yaml:6:3: group rule 'a' is given twice");
    EXPECT_EQ(load_error(with_groups("  a:\n    display_name: [x]\n")),
              "m.yaml:5:19: 'display_name' takes a single value");
}

TEST(GroupRules, TheirColumnsAreCheckedAgainstTheSource) {
    auto mapping = parse_mapping(with_groups(R"(  departments:
    for_each: "{dept}"
    display_name: "Dept - {each}"
    members: 'kind == "staff"'
)"),
                                 "m.yaml");
    auto errors = check_source_attributes(mapping, {"mail", "department", "kind"});
    ASSERT_EQ(errors.size(), 1U); // `each` is not a column: for_each gives it
    EXPECT_EQ(errors[0], "m.yaml:5:17: 'dept' is not an attribute of the source (it has: mail, "
                         "department, kind)");
}

} // namespace
} // namespace hr2scim::mappings
