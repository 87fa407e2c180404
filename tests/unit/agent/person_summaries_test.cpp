// What validate keeps of each mapped person: enough for every check and message, and nothing
// of the body.
#include "agent/person_summaries.hpp"

#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

scim::DesiredResource person(const std::string& key, const std::string& origin,
                             std::optional<std::string> manager = std::nullopt) {
    scim::DesiredResource out;
    out.key = key;
    out.origin = origin;
    out.manager_key = std::move(manager);
    out.body = {{"userName", key + "@example.com"}, {"title", std::string(2000, 'x')}};
    return out;
}

TEST(PersonSummaries, KeepAKeyAnOriginAManagerAndTheGroupsOfThoseWhoHoldThem) {
    PersonSummaries people;
    auto ada = person("E1", "hr.csv:12", "E0");
    ada.groups.push_back({"dept-eng", "Dept - Eng", "dept-eng", "departments", nullptr});
    auto held = person("E2", "hr.csv:13");
    held.disposition = scim::Disposition::hold;
    held.groups = ada.groups;
    people.add(ada);
    people.add(held);
    // Origins that are not a prefix and a line number come back as they were.
    for (const char* origin : {"hr.csv:012", "no line", "ldap:cn=a:b", "a:b:7", "x:", "hr.csv:0"})
        people.add(person("O", origin));

    ASSERT_EQ(people.size(), 8U);
    const auto first = people.person(0);
    EXPECT_EQ(first.key, "E1");
    EXPECT_EQ(first.origin, "hr.csv:12");
    EXPECT_EQ(first.manager_key, "E0");
    ASSERT_EQ(first.groups.size(), 1U);
    EXPECT_EQ(people.memberships()[first.groups[0]], ada.groups[0]);
    EXPECT_EQ(people.person(1).origin, "hr.csv:13");
    EXPECT_EQ(people.person(1).manager_key, std::nullopt);
    EXPECT_TRUE(people.person(1).groups.empty()) << "a held person is in no group";
    size_t at = 2;
    for (const char* origin : {"hr.csv:012", "no line", "ldap:cn=a:b", "a:b:7", "x:", "hr.csv:0"})
        EXPECT_EQ(people.person(at++).origin, origin);
}

TEST(PersonSummaries, HoldNoBodyAFewBytesAPerson) {
    PersonSummaries people;
    const size_t count = 200'000;
    for (size_t i = 0; i < count; ++i)
        people.add(person("E" + std::to_string(1'000'000 + i), "/tmp/x/hr.csv:" + std::to_string(i),
                          "E" + std::to_string(1'000'000 + i / 10)));
    // Key 8 bytes, manager 8, line 3, four bytes of lengths and flags, 4 of index: 2 KB bodies
    // and a 300-byte DesiredResource would be 2,300.
    EXPECT_LT(people.bytes() / count, 40U) << people.bytes();
    EXPECT_EQ(people.person(count - 1).origin, "/tmp/x/hr.csv:" + std::to_string(count - 1));
}

TEST(PersonSummaries, ARepeatedKeyRejectsEveryRecordWithItTheMappingsRejectionsToo) {
    PersonSummaries people;
    people.add(person("E2", "hr.csv:2"));
    people.add(person("E1", "hr.csv:3"));
    people.add(person("E2", "hr.csv:10"));
    people.add(person("E3", "hr.csv:11"));
    std::vector<connectors::Rejection> rejections = {
        {"hr.csv:4", "", "has 3 fields"}, // from the source: not counted
        {"hr.csv:9", "E3", "userName is empty"},
    };
    reject_repeated_keys(people, rejections, 1);
    EXPECT_EQ(people.size(), 1U);
    EXPECT_EQ(people.key(1), "E1");
    EXPECT_FALSE(people.removed(1));
    ASSERT_EQ(rejections.size(), 5U);
    EXPECT_EQ(rejections[0].origin, "hr.csv:4");
    EXPECT_EQ(rejections[1].origin, "hr.csv:2");
    EXPECT_EQ(rejections[1].reason, "key 'E2' appears more than once (hr.csv:2, hr.csv:10)");
    EXPECT_EQ(rejections[2].origin, "hr.csv:10");
    EXPECT_EQ(rejections[3].origin, "hr.csv:9");
    EXPECT_EQ(rejections[3].reason, "key 'E3' appears more than once (hr.csv:9, hr.csv:11)");
    EXPECT_EQ(rejections[4].origin, "hr.csv:11");
}

TEST(PersonSummaries, KeysThatAreOneIdentityAreRejectedInIdentityOrder) {
    PersonSummaries people;
    people.add(person("b1", "hr.csv:2"));
    people.add(person("A1", "hr.csv:3"));
    people.add(person(" B1", "hr.csv:4"));
    people.add(person("a1 ", "hr.csv:5"));
    people.add(person("C1", "hr.csv:6"));
    std::vector<connectors::Rejection> rejections;
    reject_same_identity(people, rejections, false);
    EXPECT_EQ(people.size(), 1U);
    ASSERT_EQ(rejections.size(), 4U);
    EXPECT_EQ(rejections[0].key, "A1");
    EXPECT_EQ(rejections[0].reason, same_identity_reason("A1 (hr.csv:3), a1  (hr.csv:5)"));
    EXPECT_EQ(rejections[1].key, "a1 ");
    EXPECT_EQ(rejections[2].key, "b1");
    EXPECT_EQ(rejections[3].key, " B1");

    PersonSummaries sensitive;
    sensitive.add(person("A1", "hr.csv:2"));
    sensitive.add(person("a1", "hr.csv:3"));
    rejections.clear();
    reject_same_identity(sensitive, rejections, true);
    EXPECT_TRUE(rejections.empty()) << "case-sensitive keys differ";
}

TEST(PersonSummaries, AManagerNobodyHasIsUnknownInTheOrderPeopleCame) {
    PersonSummaries people;
    people.add(person("E3", "hr.csv:2", "E9"));
    people.add(person("E1", "hr.csv:3", "e2 "));
    people.add(person("E2", "hr.csv:4", "E7")); // E7 is in the state
    people.add(person("E4", "hr.csv:5", "E5"));
    people.add(person("E5", "hr.csv:6", "E1"));
    people.add(person("E0", "hr.csv:7", "E4"));
    people.remove(3); // E4, rejected: not a manager anyone can have
    std::vector<state::StoredResource> stored(2);
    stored[0].key = "e7";
    stored[0].scim_id = "id-7";
    stored[1].key = "E9"; // never created: no SCIM id
    auto links = unknown_managers(people, stored, false);
    ASSERT_EQ(links.size(), 2U);
    EXPECT_EQ(links[0].key, "E3");
    EXPECT_EQ(links[0].origin, "hr.csv:2");
    EXPECT_EQ(links[0].manager_key, "E9");
    EXPECT_EQ(links[1].key, "E0");
    EXPECT_EQ(links[1].manager_key, "E4");
}

// validate reports the manager links plan would reject, no more and no fewer.
TEST(PersonSummaries, FindTheUnknownManagersThePlannerFinds) {
    std::vector<scim::DesiredResource> desired = {
        person("E3", "hr.csv:2", "E9"), person("E1", "hr.csv:3", "e2 "),
        person("E2", "hr.csv:4", "left"), person("E5", "hr.csv:5", "E1"),
        person("E6", "hr.csv:6", "E404")};
    std::vector<state::StoredResource> stored(1);
    stored[0].key = "left";
    stored[0].scim_id = "id-left";
    stored[0].status = state::ResourceStatus::deactivated;
    stored[0].body = {{"userName", "left@example.com"}};
    PersonSummaries people;
    for (const auto& one : desired)
        people.add(one);
    const auto planned = state::make_plan(desired, stored, {}).rejected_links;
    const auto validated = unknown_managers(people, stored, false);
    ASSERT_EQ(validated.size(), 2U);
    ASSERT_EQ(planned.size(), validated.size());
    for (size_t i = 0; i < planned.size(); ++i) {
        EXPECT_EQ(validated[i].key, planned[i].key);
        EXPECT_EQ(validated[i].origin, planned[i].origin);
        EXPECT_EQ(validated[i].manager_key, planned[i].manager_key);
    }
}

} // namespace
} // namespace hr2scim::agent
