#include "scim/discovery.hpp"
#include "scim/schema.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

TEST(Discovery, ReadsWhatAServiceProviderConfigSays) {
    auto capabilities = capabilities_from(json::parse(R"({
        "patch": {"supported": false},
        "filter": {"supported": true, "maxResults": 50},
        "bulk": {"supported": true, "maxOperations": 100, "maxPayloadSize": 1048576},
        "etag": {"supported": true}})"));
    EXPECT_FALSE(capabilities.patch);
    EXPECT_TRUE(capabilities.filter);
    EXPECT_EQ(capabilities.max_results, 50U);
    EXPECT_TRUE(capabilities.bulk);
    EXPECT_EQ(capabilities.bulk_max_operations, 100U);
    EXPECT_EQ(capabilities.bulk_max_payload, 1048576U);
    EXPECT_TRUE(capabilities.etag);
}

TEST(Discovery, AssumesTheRfcWhereTheConfigIsSilentOrWrong) {
    auto capabilities = capabilities_from(json::parse(
        R"({"patch": {"supported": "yes"}, "filter": true, "bulk": {"maxOperations": -3}})"));
    EXPECT_TRUE(capabilities.patch);
    EXPECT_TRUE(capabilities.filter);
    EXPECT_FALSE(capabilities.bulk);
    EXPECT_EQ(capabilities.bulk_max_operations, 0U);
}

const json k_schemas = json::parse(R"({"Resources": [
    {"id": "urn:ietf:params:scim:schemas:core:2.0:User", "attributes": [
        {"name": "userName"}, {"name": "active"},
        {"name": "name", "subAttributes": [{"name": "givenName"}, {"name": "familyName"}]},
        {"name": "emails", "subAttributes": [{"name": "value"}, {"name": "type"}]}]},
    {"id": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "attributes": [
        {"name": "department"}]},
    {"id": "urn:ietf:params:scim:schemas:core:2.0:Group", "attributes": [{"name": "title"}]}]})");

TEST(Discovery, LearnsTheUserAttributesFromSchemas) {
    auto known = user_attributes_from(k_schemas);
    ASSERT_TRUE(known);
    EXPECT_TRUE(knows_attribute(*known, "userName"));
    EXPECT_TRUE(knows_attribute(*known, "USERNAME")) << "attribute names ignore case";
    EXPECT_TRUE(knows_attribute(*known, "name.givenName"));
    EXPECT_FALSE(knows_attribute(*known, "name.middleName"));
    EXPECT_FALSE(knows_attribute(*known, "title")) << "a Group's attribute is not a User's";
    EXPECT_TRUE(knows_attribute(
        *known, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"));
    EXPECT_FALSE(knows_attribute(
        *known, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"));
    EXPECT_TRUE(knows_attribute(*known, "externalId")) << "common attributes are always there";
    EXPECT_FALSE(user_attributes_from(json::parse(R"({"Resources": []})")))
        << "a target describing no User says nothing about User attributes";
}

TEST(Discovery, LeavesOutOnlyWhatTheTargetLacks) {
    auto known = *user_attributes_from(k_schemas);
    json body = json::parse(R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:acme:2.0:User"],
        "userName": "ada", "externalId": "E1", "title": "Engineer",
        "name": {"givenName": "Ada", "middleName": "B"},
        "emails": [{"value": "ada@example.com", "type": "work"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "department": "R&D", "costCenter": "C1"},
        "urn:ietf:params:scim:schemas:extension:acme:2.0:User": {"badge": "B-1"}})");
    auto dropped = drop_unknown_attributes(body, known);
    EXPECT_EQ(dropped,
              (std::vector<std::string>{
                  "name.middleName", "title",
                  "urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"}));
    EXPECT_EQ(body, json::parse(R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "userName": "ada", "externalId": "E1", "name": {"givenName": "Ada"},
        "emails": [{"value": "ada@example.com", "type": "work"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}})"));
}

TEST(Discovery, AnExtensionTheUserTypeDoesNotTakeIsNotKnown) {
    auto known = *user_attributes_from(k_schemas);
    auto extensions = user_extensions_from(json::parse(R"({"Resources": [
        {"name": "Group", "schema": "urn:ietf:params:scim:schemas:core:2.0:Group",
         "schemaExtensions": [{"schema": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]},
        {"name": "User", "schema": "urn:ietf:params:scim:schemas:core:2.0:User"}]})"));
    ASSERT_TRUE(extensions);
    EXPECT_TRUE(extensions->empty()) << "the Group's extensions are not the User's";
    keep_extensions(known, *extensions);
    EXPECT_FALSE(knows_attribute(
        known, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"));
    EXPECT_TRUE(knows_attribute(known, "name.givenName"));
    EXPECT_FALSE(user_extensions_from(json::parse(R"({"Resources": []})")));
}

TEST(Discovery, SurvivesTheStateRoundTrip) {
    Capabilities capabilities;
    capabilities.patch = false;
    capabilities.max_results = 25;
    capabilities.user_attributes = std::set<std::string>{"username", "title"};
    auto back = capabilities_from_state(to_json(capabilities));
    EXPECT_FALSE(back.patch);
    EXPECT_TRUE(back.filter);
    EXPECT_EQ(back.max_results, 25U);
    EXPECT_EQ(back.user_attributes, capabilities.user_attributes);
    EXPECT_TRUE(capabilities_from_state(json("garbage")).patch);
}

} // namespace
} // namespace hr2scim::scim
