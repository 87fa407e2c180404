#include "connectors/field_path.hpp"

#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

using nlohmann::json;

std::vector<std::string> values(std::string_view path, const json& record) {
    auto parsed = FieldPath::parse(path);
    EXPECT_TRUE(parsed.has_value()) << parsed.error();
    return parsed ? parsed->find(record).values : std::vector<std::string>{"(bad path)"};
}

TEST(FieldPath, NestedMembersLikePersoniosAttributes) {
    const json personio = json::parse(R"({"attributes": {
        "first_name": {"label": "First name", "value": "Ada"},
        "department": {"value": {"type": "Department", "attributes": {"id": 7, "name": "R&D"}}},
        "termination_date": {"value": null}}})");
    EXPECT_EQ(values("attributes.first_name.value", personio), std::vector<std::string>{"Ada"});
    EXPECT_EQ(values("attributes.department.value.attributes.name", personio),
              std::vector<std::string>{"R&D"});
    EXPECT_EQ(values("attributes.department.value.attributes.id", personio),
              std::vector<std::string>{"7"});
    // Returned but empty is not missing: a tenant with nobody terminated has the field.
    auto termination = FieldPath::parse("attributes.termination_date.value")->find(personio);
    EXPECT_TRUE(termination.present);
    EXPECT_TRUE(termination.values.empty());
    auto absent = FieldPath::parse("attributes.cost_center.value")->find(personio);
    EXPECT_FALSE(absent.present);
}

TEST(FieldPath, SelectorsPickTheElementsAdpDocuments) {
    const json adp = json::parse(R"({"workAssignments": [
        {"primaryIndicator": false, "reportsTo": [{"associateOID": "OLD"}]},
        {"primaryIndicator": true, "reportsTo": [{"associateOID": "BOSS"}, {"associateOID": "X"}],
         "homeOrganizationalUnits": [
           {"typeCode": {"codeValue": "Business Unit"}, "nameCode": {"shortName": "Retail"}},
           {"typeCode": {"codeValue": "Department"}, "nameCode": {"shortName": "Finance"}}]}]})");
    EXPECT_EQ(values("workAssignments[primaryIndicator=true].reportsTo[0].associateOID", adp),
              std::vector<std::string>{"BOSS"});
    EXPECT_EQ(values("workAssignments[primaryIndicator=true].homeOrganizationalUnits"
                     "[typeCode.codeValue=Department].nameCode.shortName",
                     adp),
              std::vector<std::string>{"Finance"});
    // Without a selector every element is walked, as the flattened attributes are.
    EXPECT_EQ(values("workAssignments.reportsTo.associateOID", adp),
              (std::vector<std::string>{"OLD", "BOSS", "X"}));
    EXPECT_TRUE(values("workAssignments[5].reportsTo.associateOID", adp).empty());
    // One object where the vendor documents a list is that list's only element.
    EXPECT_EQ(values("solo[0].name", json::parse(R"({"solo": {"name": "one"}})")),
              std::vector<std::string>{"one"});
}

TEST(FieldPath, ScalarsArraysAndNumbersAsText) {
    const json record = json::parse(R"({"id": 42, "active": true, "tags": ["a", "", "b"],
                                        "empty": "", "nested": {"x": 1}})");
    EXPECT_EQ(values("id", record), std::vector<std::string>{"42"});
    EXPECT_EQ(values("active", record), std::vector<std::string>{"true"});
    EXPECT_EQ(values("tags", record), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(values("empty", record).empty());
    EXPECT_TRUE(values("nested", record).empty()); // an object is not a value
}

TEST(FieldPath, AMalformedPathIsNamedWithWhatIsWrong) {
    for (const char* bad : {"", "a..b", ".a", "a.", "a[", "a[x]", "a[=v]", "a[0]b", "a[1x]"}) {
        auto parsed = FieldPath::parse(bad);
        ASSERT_FALSE(parsed.has_value()) << bad;
        EXPECT_FALSE(parsed.error().empty());
    }
}

TEST(FieldPath, ADeeplyNestedArrayDoesNotExhaustTheStack) {
    // Built and handed over by moves: copying a document this deep recurses (nlohmann's copy
    // constructor), which is not what is tested. HTTP bodies are parsed at most 64 levels deep.
    json deep = json::array();
    for (int level = 0; level < 10000; ++level) {
        json outer = json::array();
        outer.push_back(std::move(deep));
        deep = std::move(outer);
    }
    json record = json::object();
    record["a"] = std::move(deep);
    EXPECT_TRUE(values("a.b", record).empty());
}

} // namespace
} // namespace hr2scim::connectors
