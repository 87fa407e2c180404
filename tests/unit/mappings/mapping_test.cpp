#include "mapping_load_error.hpp"
#include "mappings/mapper.hpp"
#include "mappings/mapping.hpp"

#include <chrono>
#include <gtest/gtest.h>

namespace hr2scim::mappings {
namespace {

// The tests' fixed clock: 2026-11-22 13:05 UTC.
const Instant k_now = *parse_instant("2026-11-22T13:05:00Z");

using nlohmann::json;
constexpr const char* k_ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

TEST(MappingFile, ErrorsNameFileLineAndColumn) {
    EXPECT_EQ(load_error("attributes:\n  userName: '{mail}'\n  titel: '{x}'\n"),
              "m.yaml:3:3: 'titel' is not a User attribute that can be mapped (userName, "
              "externalId, displayName, "
              "nickName, profileUrl, title, userType, preferredLanguage, locale, timezone, active, "
              "name.*, emails, "
              "phoneNumbers, addresses, entitlements, roles, or "
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber, "
              "costCenter, organization, division, department)");
    EXPECT_EQ(load_error("attributes:\n  userName: \"{lowr(mail)}\"\n")
                  .rfind("m.yaml:2:15: unknown function 'lowr' (known: ", 0),
              0U);
    EXPECT_EQ(load_error("attributes:\n  userName: {colum: mail}\n"),
              "m.yaml:2:14: unknown key 'colum' (expected: column, value, template or expr; apply, "
              "default, when_empty)");
    EXPECT_EQ(
        load_error("atributes:\n  userName: x\n"),
        "m.yaml:1:1: unknown key 'atributes' (expected: attributes, scope, lifecycle, groups)");
    EXPECT_EQ(load_error("attributes:\n  title: x\n"), "m.yaml:2:3: userName must be mapped");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  emails.value: y\n"),
              "m.yaml:3:3: emails needs a type, for example emails[type eq \"work\"].value");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  'emails[type eq \"Work\"].value': y\n"),
              "m.yaml:3:3: emails type 'Work' is not one of work, home, other");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  active: {value: maybe}\n"),
              "m.yaml:3:19: 'maybe' is not true or false");
    EXPECT_EQ(load_error("attributes: [\n"), "m.yaml:2:1: end of sequence flow not found; a '[' "
                                             "without its closing ']' (or a quote left open)");
    EXPECT_EQ(load_error("attributes:\n  userName: {column: email\n"),
              "m.yaml:3:1: end of map flow not found; a '{' without its closing '}' (or a quote "
              "left open)");
}

TEST(MappingFile, ADuplicateTargetIsAnError) {
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  'emails[type eq \"work\"].value': a\n"
                         "  emails[type eq \"work\"].value: b\n"),
              "m.yaml:4:3: 'emails[type eq \"work\"].value' is mapped twice");
}

TEST(MappingFile, ChecksColumnsAgainstTheSourceHeader) {
    auto mapping = parse_mapping(
        "attributes:\n  userName: '{lower(mail)}'\n  title: {column: job}\n", "m.yaml");
    auto errors = check_source_attributes(mapping, {"mail", "position"});
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0],
              "m.yaml:3:19: 'job' is not an attribute of the source (it has: mail, position)");
    EXPECT_TRUE(check_source_attributes(mapping, {"mail", "job"}).empty());
}

Mapping full_mapping() {
    return parse_mapping(R"(attributes:
  userName: "{lower(mail)}"
  externalId: { column: id }
  name.givenName: { column: first }
  displayName: "{first} {last}"
  active: { column: enabled }
  emails[type eq "work"].value: "{lower(mail)}"
  emails[type eq "work"].primary: { value: true }
  emails[type eq "home"].value: { column: private_mail }
  phoneNumbers[type eq "mobile"].value: { column: mobile }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department: { column: dept }
)",
                         "m.yaml");
}

connectors::Record record(connectors::Attributes attributes) {
    return {"E1", std::move(attributes), "hr.csv:2"};
}

TEST(Mapper, BuildsTheUserBody) {
    auto desired = map_record(full_mapping(),
                              record({{"id", {"E1"}},
                                      {"first", {"Ada"}},
                                      {"last", {"L"}},
                                      {"mail", {"Ada@X.com"}},
                                      {"enabled", {"Yes"}},
                                      {"private_mail", {"ada@home.example"}},
                                      {"mobile", {""}},
                                      {"dept", {"R&D"}}}),
                              k_now);
    ASSERT_TRUE(desired) << desired.error();
    EXPECT_EQ(desired->key, "E1");
    EXPECT_EQ(desired->origin, "hr.csv:2");
    EXPECT_EQ(desired->body, json::parse(R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "userName": "ada@x.com", "externalId": "E1", "name": {"givenName": "Ada"}, "displayName": "Ada L",
        "active": true,
        "emails": [{"type": "work", "value": "ada@x.com", "primary": true},
                   {"type": "home", "value": "ada@home.example"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}})"));
}

TEST(Mapper, LeavesOutEmptyValuesAndValuelessElements) {
    auto desired = map_record(full_mapping(), record({{"mail", {"a@x"}}}), k_now);
    ASSERT_TRUE(desired) << desired.error();
    EXPECT_FALSE(desired->body.contains("phoneNumbers"));
    EXPECT_FALSE(desired->body.contains(k_ext));
    EXPECT_EQ(desired->body["displayName"], " ")
        << "templates are literal; trim() is the admin's choice";
    EXPECT_EQ(desired->body["active"], true)
        << "people in the source are active unless mapped otherwise";
    EXPECT_EQ(desired->body["schemas"].size(), 1U);
}

TEST(Mapper, RejectsRecordsItCannotMapWithAReason) {
    EXPECT_EQ(map_record(full_mapping(), record({{"mail", {""}}}), k_now).error(),
              "userName is empty");
    EXPECT_EQ(map_record(full_mapping(), record({{"mail", {"a@x"}}, {"enabled", {"maybe"}}}), k_now)
                  .error(),
              "active: 'maybe' is not true or false");
}

TEST(Mapper, RejectsValuesThatAreNotText) {
    EXPECT_EQ(
        map_record(full_mapping(), record({{"mail", {"a@x"}}, {"dept", {"R\xFF"}}}), k_now).error(),
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department: the value is not "
        "valid UTF-8 "
        "(byte 2), perhaps a binary attribute");
}

TEST(MappingFile, FlowRulesAreChecked) {
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  title: {column: t, apply: sometimes}\n"),
              "m.yaml:3:29: apply takes always or on_create");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  title: {column: t, when_empty: ignore}\n"),
              "m.yaml:3:34: when_empty takes clear or leave");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  title: {column: t, template: y}\n"),
              "m.yaml:3:22: give one of column, value, template or expr");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  title: {apply: on_create}\n"),
              "m.yaml:3:10: give one of column, value, template or expr");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  title: {expr: 'a =='}\n"),
              "m.yaml:3:22: expected an attribute name, a \"string\", a number or a function call");
}

TEST(Mapper, FlowRulesMarkWhatKeepsItsValue) {
    auto mapping = parse_mapping(
        "attributes:\n  userName: '{mail}'\n  displayName: {column: name, apply: on_create}\n"
        "  title: {column: job, when_empty: leave}\n  nickName: {column: nick, default: "
        "'{name}'}\n",
        "m.yaml");
    auto desired =
        map_record(mapping, record({{"mail", {"a@x"}}, {"name", {"Ada"}}, {"job", {""}}}), k_now);
    ASSERT_TRUE(desired) << desired.error();
    EXPECT_EQ(desired->body["displayName"], "Ada")
        << "create-only rules still give the value for a create";
    EXPECT_EQ(desired->body["nickName"], "Ada");
    EXPECT_FALSE(desired->body.contains("title"));
    ASSERT_EQ(desired->details().keep_as_sent.size(), 2U);
    EXPECT_EQ(desired->details().keep_as_sent[0].to_string(), "displayName");
    EXPECT_EQ(desired->details().keep_as_sent[1].to_string(), "title");
}

TEST(Mapper, ListsAndBooleansMeetTheirAttributeTypes) {
    auto mapping = parse_mapping("attributes:\n  userName: '{mail}'\n  title: {column: roles}\n"
                                 "  active: {expr: 'status == \"active\"'}\n",
                                 "m.yaml");
    EXPECT_EQ(
        map_record(mapping, record({{"mail", {"a@x"}}, {"roles", {"a", "b"}}}), k_now).error(),
        "title: the value is a list of 2 values; pick one, or join them with join()");
    auto inactive = map_record(mapping, record({{"mail", {"a@x"}}, {"status", {"left"}}}), k_now);
    ASSERT_TRUE(inactive) << inactive.error();
    EXPECT_EQ(inactive->body["active"], false);
}

TEST(Mapper, ParsesBooleansLeniently) {
    EXPECT_EQ(parse_boolean("TRUE"), true);
    EXPECT_EQ(parse_boolean("no"), false);
    EXPECT_EQ(parse_boolean("0"), false);
    EXPECT_EQ(parse_boolean("y"), std::nullopt);
}

} // namespace
} // namespace hr2scim::mappings

namespace hr2scim::mappings {
namespace {

TEST(MappingHostile, AnAliasBombIsRefusedAtOnceWithItsPlace) {
    std::string yaml = "x:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (char level = 'b'; level <= 'i'; ++level) {
        yaml += std::string("  ") + level + ": &" + level + " [";
        for (int i = 0; i < 9; ++i)
            yaml += std::string(i ? ", " : "") + "*" + static_cast<char>(level - 1);
        yaml += "]\n";
    }
    const auto started = std::chrono::steady_clock::now();
    const auto error = load_error(yaml + "attributes:\n  userName: x\n");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(error.rfind("m.yaml:", 0), 0U) << error;
    EXPECT_NE(error.find("the YAML expands to more than 100000 nodes"), std::string::npos) << error;
}

// Names end up as JSON keys and strings: bytes that are not UTF-8 are refused where they are
// written, never found later by the JSON library (type_error.316).
TEST(MappingHostile, AnAttributeNameThatIsNotUtf8IsRefusedWithItsPlace) {
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  title: {column: \"dept\xff\"}\n"),
              "m.yaml:3:19: not valid UTF-8 (at byte 5 of this text)");
    EXPECT_EQ(load_error("attributes:\n  userName: x\n  \"urn:ietf:params:scim:schemas:extension:"
                         "enterprise:2.0:User:depart\xc3\":  y\n"),
              "m.yaml:3:3: not valid UTF-8 (at byte 66 of this text)");
    EXPECT_EQ(load_error("attributes:\n  userName: \"{mail\xed\xa0\x80}\"\n"),
              "m.yaml:2:13: not valid UTF-8 (at byte 6 of this text)");
}

} // namespace
} // namespace hr2scim::mappings
