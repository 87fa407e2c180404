// entitlements and roles (RFC 7643 §4.1.2): mapped from a list, empty values give none,
// duplicates collapse, one order whatever order the source has.
#include "mapping_load_error.hpp"
#include "mappings/mapper.hpp"
#include "mappings/mapping.hpp"

#include <gtest/gtest.h>

namespace hr2scim::mappings {
namespace {

using nlohmann::json;

const Instant k_now = *parse_instant("2026-11-22T13:05:00Z");

Mapping entitlement_mapping() {
    return parse_mapping(R"(attributes:
  userName: "{mail}"
  entitlements: '{split(entitlements, ";")}'
  entitlements[type eq "profile"].value: { column: profile, display: "Profile {each}", primary: true }
  roles: { expr: 'iif(is_manager == "yes", "manager", "")', default: "staff" }
)",
                         "m.yaml");
}

connectors::Record record(connectors::Attributes attributes) {
    return {"E1", std::move(attributes), "hr.csv:2"};
}

json body_of(const connectors::Attributes& attributes) {
    auto desired = map_record(entitlement_mapping(), record(attributes), k_now);
    EXPECT_TRUE(desired) << desired.error();
    return desired ? desired->body : json();
}

TEST(Entitlements, EachValueOfTheListIsOneItemSortedByValue) {
    const json body = body_of({{"mail", {"a@x"}},
                               {"entitlements", {"0PS2;permset-b; 0PS1 "}},
                               {"profile", {"00e1"}},
                               {"is_manager", {"yes"}}});
    EXPECT_EQ(body["entitlements"], json::parse(R"([
        {"value": "00e1", "type": "profile", "display": "Profile 00e1", "primary": true},
        {"value": "0PS1"}, {"value": "0PS2"}, {"value": "permset-b"}])"));
    EXPECT_EQ(body["roles"], json::parse(R"([{"value": "manager"}])"));
    EXPECT_EQ(body_of({{"mail", {"a@x"}}, {"is_manager", {"no"}}})["roles"],
              json::parse(R"([{"value": "staff"}])"))
        << "an empty value takes the rule's default";
}

TEST(Entitlements, AReorderedSourceListGivesTheSameBody) {
    const json one = body_of({{"mail", {"a@x"}}, {"entitlements", {"b;a;c"}}});
    const json other = body_of({{"mail", {"a@x"}}, {"entitlements", {"c;b;a"}}});
    EXPECT_EQ(one, other);
    EXPECT_EQ(one.dump(), other.dump()) << "the state's fingerprint is of this text";
}

TEST(Entitlements, EmptyValuesGiveNoItemAndDuplicatesCollapse) {
    const json body = body_of({{"mail", {"a@x"}}, {"entitlements", {";a;;  ;a;b;"}}});
    EXPECT_EQ(body["entitlements"], json::parse(R"([{"value": "a"}, {"value": "b"}])"));
    const json none = body_of({{"mail", {"a@x"}}, {"entitlements", {" ; ;"}}, {"profile", {""}}});
    EXPECT_FALSE(none.contains("entitlements")) << none.dump();
    const json empty = body_of({{"mail", {"a@x"}}});
    EXPECT_FALSE(empty.contains("entitlements")) << empty.dump();
    // The same value under another type is another entitlement; under the same, one.
    const json typed =
        body_of({{"mail", {"a@x"}}, {"entitlements", {"00e1"}}, {"profile", {"00e1"}}});
    EXPECT_EQ(typed["entitlements"].size(), 2U) << typed.dump();
}

TEST(Entitlements, AMultiValuedSourceAttributeIsAListToo) {
    auto mapping =
        parse_mapping("attributes:\n  userName: x\n  roles: {column: memberof}\n", "m.yaml");
    auto desired =
        map_record(mapping, record({{"memberof", {"cn=b", " cn=a", "", "cn=b"}}}), k_now);
    ASSERT_TRUE(desired) << desired.error();
    EXPECT_EQ(desired->body["roles"], json::parse(R"([{"value": "cn=a"}, {"value": "cn=b"}])"));
}

TEST(Entitlements, MoreThanOnePrimaryRejectsTheRecordWithTheRule) {
    auto desired = map_record(entitlement_mapping(),
                              record({{"mail", {"a@x"}}, {"profile", {"00e1;00e2"}}}), k_now);
    ASSERT_TRUE(desired) << "a column is one value: no split is implied";
    auto mapping = parse_mapping(R"(attributes:
  userName: "{mail}"
  roles: { expr: 'split(roles, ",")', primary: true }
)",
                                 "m.yaml");
    auto two = map_record(mapping, record({{"mail", {"a@x"}}, {"roles", {"a,b"}}}), k_now);
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error(),
              "roles: primary: true, but the value is a list of 2 values; only one can be primary");
    EXPECT_TRUE(map_record(mapping, record({{"mail", {"a@x"}}, {"roles", {"a,a"}}}), k_now))
        << "a repeated value is one value";
}

TEST(Entitlements, RulesAreCheckedWhenLoaded) {
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  entitlement: y\n").substr(0, 60),
              "m.yaml:3:3: 'entitlement' is not a User attribute that can b");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  role: y\n").substr(0, 48),
              "m.yaml:3:3: 'role' is not a User attribute that ");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  entitlements.display: y\n"),
              "m.yaml:3:3: entitlements is mapped as a list of values (entitlements: "
              "'{split(entitlements, \";\")}' or entitlements[type eq \"profile\"]: { column: "
              "profile_id }); display and primary are keys of the rule, not .display");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  'roles[value eq \"a\"]': y\n"),
              "m.yaml:3:3: roles takes only a [type eq \"...\"] filter, for example roles: "
              "'{split(roles, \";\")}' or roles[type eq \"profile\"]: { column: profile_id }");
    EXPECT_EQ(
        load_error("attributes:\n  userName: x\n  entitlements: y\n  entitlements.value: z\n"),
        "m.yaml:4:3: 'entitlements' is mapped twice");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  roles: {column: r, when_empty: leave}\n"),
              "m.yaml:3:22: roles are a set the mapping owns: always applied, and an empty value "
              "gives no roles; when_empty is not supported here");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  roles: {column: r, primary: maybe}\n"),
              "m.yaml:3:31: 'maybe' is not true or false");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  roles: {column: r, dispaly: x}\n"),
              "m.yaml:3:22: unknown key 'dispaly' (expected: column, value, template or expr; "
              "default, display, primary)");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  title: {column: r, display: x}\n"),
              "m.yaml:3:22: unknown key 'display' (expected: column, value, template or expr; "
              "apply, default, when_empty)");
}

TEST(Entitlements, TheDisplayTemplateIsCheckedAgainstTheSourceButNotEach) {
    auto mapping = parse_mapping(
        "attributes:\n  userName: x\n  roles: {column: r, display: '{each} {titel}'}\n", "m.yaml");
    auto errors = check_source_attributes(mapping, {"r", "title"});
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].substr(0, 40), "m.yaml:3:40: 'titel' is not an attribute");
}

} // namespace
} // namespace hr2scim::mappings
