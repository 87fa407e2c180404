#include "scim/write_check.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

TEST(MergeManaged, KeepsWhatHr2scimDoesNotManage) {
    const json held = {{"id", "u1"},
                       {"userName", "ada"},
                       {"locale", "de-CH"},
                       {"title", "Engineer"},
                       {"name", {{"givenName", "Ada"}, {"honorificPrefix", "Dr."}}},
                       {"emails",
                        {{{"type", "work"}, {"value", "old@x.org"}},
                         {{"type", "home"}, {"value", "ada@home.org"}}}},
                       {k_enterprise, {{"department", "R&D"}, {"costCenter", "42"}}},
                       {"meta", {{"version", "W/\"3\""}}}};
    const json body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User", k_enterprise}},
                       {"userName", "ada"},
                       {"title", "Lead"},
                       {"name", {{"givenName", "Ada"}}},
                       {"emails", {{{"type", "work"}, {"value", "new@x.org"}}}},
                       {k_enterprise, {{"department", "Research"}}}};
    const auto merged = merge_managed(held, body, {});
    EXPECT_EQ(merged["locale"], "de-CH");
    EXPECT_EQ(merged["title"], "Lead");
    EXPECT_EQ(merged["name"]["honorificPrefix"], "Dr.");
    EXPECT_EQ(merged[k_enterprise]["department"], "Research");
    EXPECT_EQ(merged[k_enterprise]["costCenter"], "42");
    ASSERT_EQ(merged["emails"].size(), 2U);
    EXPECT_EQ(merged["emails"][0]["value"], "ada@home.org");
    EXPECT_EQ(merged["emails"][1]["value"], "new@x.org");
    EXPECT_FALSE(merged.contains("meta"));
    EXPECT_EQ(merged["id"], "u1");
}

TEST(MergeManaged, ClearsWhatTheChangesRemove) {
    const json held = {
        {"userName", "ada"},
        {"title", "Engineer"},
        {"locale", "fr"},
        {"emails",
         {{{"type", "work"}, {"value", "a@x.org"}}, {{"type", "home"}, {"value", "h@x.org"}}}}};
    const json body = {{"userName", "ada"}};
    const std::vector<AttributeChange> changes = {
        {"title", json("Engineer"), std::nullopt},
        {"emails", json::array({{{"type", "work"}, {"value", "a@x.org"}}}), std::nullopt}};
    const auto merged = merge_managed(held, body, changes);
    EXPECT_TRUE(merged["title"].is_null());
    EXPECT_EQ(merged["locale"], "fr");
    ASSERT_EQ(merged["emails"].size(), 1U);
    EXPECT_EQ(merged["emails"][0]["type"], "home");
}

TEST(CheckWritten, AnAnswerHoldingEverythingSentIsClean) {
    const json sent = {{"userName", "Ada"},
                       {"active", true},
                       {"emails", {{{"type", "work"}, {"value", "a@x.org"}, {"primary", true}}}},
                       {k_enterprise, {{"manager", {{"value", "m1"}}}}}};
    const json answered = {{"id", "u1"},
                           {"userName", "ada"},
                           {"active", "True"},
                           {"locale", "fr"},
                           {"emails", {{{"type", "work"}, {"value", "A@x.org"}}}},
                           {k_enterprise, {{"manager", {{"value", "m1"}, {"$ref", "../m1"}}}}}};
    const auto check = check_written(sent, answered);
    EXPECT_TRUE(check.clean()) << describe(check);
}

TEST(CheckWritten, NamesWhatTheTargetKeptAndDropped) {
    const json sent = {{"userName", "ada"},
                       {"title", "Lead"},
                       {"externalId", "E1"},
                       {"name", {{"givenName", "Ada"}, {"familyName", "L"}}},
                       {"emails", {{{"type", "work"}, {"value", "new@x.org"}}}},
                       {k_enterprise, {{"department", "Research"}}}};
    const json answered = {{"userName", "ada"},
                           {"externalId", "e1"},
                           {"name", {{"givenName", "Ada"}}},
                           {"emails", {{{"type", "work"}, {"value", "old@x.org"}}}}};
    const auto check = check_written(sent, answered);
    // Attributes in the body's (alphabetical) order.
    ASSERT_EQ(check.kept.size(), 2U) << describe(check);
    EXPECT_EQ(check.kept[0].path, "emails");
    EXPECT_EQ(check.kept[0].shown, "emails[work].value");
    EXPECT_EQ(check.kept[0].held, "old@x.org");
    EXPECT_EQ(check.kept[1].path, "externalId"); // compared exactly
    EXPECT_EQ(check.dropped, (std::vector<std::string>{"name.familyName", "title",
                                                       std::string(k_enterprise) + ":department"}));
    EXPECT_NE(describe(check).find("target kept emails[work].value = old@x.org; sent new@x.org"),
              std::string::npos);
}

TEST(CheckWritten, AManagerNotResolvedIsKeptNotDropped) {
    const json sent = {{k_enterprise, {{"manager", {{"value", "m1"}}}}}};
    const json answered = {{k_enterprise, {{"manager", {{"value", "bulkId:op3"}}}}}};
    const auto check = check_written(sent, answered);
    ASSERT_EQ(check.kept.size(), 1U);
    EXPECT_EQ(check.kept[0].path, std::string(k_enterprise) + ":manager");
}

TEST(DropAttributes, RemovesByLowerCasePath) {
    json body = {{"userName", "ada"},
                 {"title", "Lead"},
                 {"name", {{"givenName", "Ada"}, {"familyName", "L"}}},
                 {k_enterprise, {{"department", "R"}}}};
    EXPECT_TRUE(drop_attributes(
        body, {"title", "name.familyname",
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department"}));
    EXPECT_FALSE(body.contains("title"));
    EXPECT_FALSE(body["name"].contains("familyName"));
    EXPECT_FALSE(body.contains(k_enterprise));
    EXPECT_FALSE(drop_attributes(body, {"nickname"}));
}

} // namespace
} // namespace hr2scim::scim
