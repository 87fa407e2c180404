// entitlements and roles are sets: diffed, written and checked without regard to order.
#include "scim/patch.hpp"
#include "scim/value_set.hpp"
#include "scim/write_check.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

json user(const json& entitlements) {
    json body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                 {"userName", "ada"},
                 {"emails", {{{"type", "work"}, {"value", "ada@x.org"}}}}};
    if (!entitlements.is_null()) body["entitlements"] = entitlements;
    return body;
}

const json k_two = json::parse(R"([{"value": "00e1", "type": "profile"}, {"value": "0PS2"}])");
const json k_two_reordered =
    json::parse(R"([{"value": "0PS2"}, {"value": "00e1", "type": "profile"}])");

TEST(ValueSet, OnlyEntitlementsAndRoles) {
    EXPECT_TRUE(is_value_set("entitlements"));
    EXPECT_TRUE(is_value_set("Roles"));
    EXPECT_FALSE(is_value_set("emails"));
    EXPECT_FALSE(is_value_set("entitlement"));
}

TEST(ValueSet, AnotherOrderIsNoChange) {
    EXPECT_TRUE(diff_bodies(user(k_two), user(k_two_reordered)).empty());
    json roles_a = user(nullptr), roles_b = user(nullptr);
    roles_a["roles"] = json::parse(R"([{"value": "a"}, {"value": "b"}])");
    roles_b["roles"] = json::parse(R"([{"value": "b"}, {"value": "a"}])");
    EXPECT_TRUE(diff_bodies(roles_a, roles_b).empty());
    // emails keep their order semantics: not a set.
    json emails = user(nullptr);
    emails["emails"] = json::parse(
        R"([{"type": "home", "value": "h@x.org"}, {"type": "work", "value": "ada@x.org"}])");
    json emails_reordered = user(nullptr);
    emails_reordered["emails"] = json::parse(
        R"([{"type": "work", "value": "ada@x.org"}, {"type": "home", "value": "h@x.org"}])");
    EXPECT_EQ(diff_bodies(emails, emails_reordered).size(), 1U);
}

TEST(ValueSet, AnAddedOrRemovedItemReplacesTheWholeList) {
    const json three = json::parse(
        R"([{"value": "00e1", "type": "profile"}, {"value": "0PS2"}, {"value": "0PS3"}])");
    auto added = diff_bodies(user(k_two_reordered), user(three));
    ASSERT_EQ(added.size(), 1U);
    EXPECT_EQ(added[0], (AttributeChange{"entitlements", k_two_reordered, three}));
    EXPECT_EQ(to_patch_operations(added),
              (std::vector<PatchOperation>{{"replace", "entitlements", three}}));
    auto removed = diff_bodies(user(three), user(k_two));
    ASSERT_EQ(removed.size(), 1U);
    EXPECT_EQ(to_patch_operations(removed),
              (std::vector<PatchOperation>{{"replace", "entitlements", k_two}}));
    auto all_gone = diff_bodies(user(k_two), user(nullptr));
    EXPECT_EQ(to_patch_operations(all_gone),
              (std::vector<PatchOperation>{{"remove", "entitlements", std::nullopt}}));
    EXPECT_EQ(patch_request(to_patch_operations(added))["Operations"][0]["value"], three);
    // Another set of the same size is a change too.
    auto swapped = diff_bodies(user(k_two), user(json::parse(
                                                R"([{"value": "00e1", "type": "profile"},
                                                    {"value": "0PS9"}])")));
    EXPECT_EQ(swapped.size(), 1U);
}

TEST(ValueSet, SortedByValueThenType) {
    json items = json::parse(
        R"([{"value": "b"}, {"value": "a", "type": "y"}, {"value": "a", "type": "x"}])");
    sort_value_set(items);
    EXPECT_EQ(items,
              json::parse(
                  R"([{"value": "a", "type": "x"}, {"value": "a", "type": "y"}, {"value": "b"}])"));
    EXPECT_TRUE(same_value_set(k_two, k_two_reordered));
    EXPECT_FALSE(same_value_set(k_two, json::parse(R"([{"value": "00e1"}, {"value": "0PS2"}])")));
}

TEST(ValueSetWriteCheck, TheTargetsOrderIsTaken) {
    EXPECT_TRUE(check_written(user(k_two), user(k_two_reordered)).clean());
    // Targets answer ids in their own case, and may leave out display.
    json with_display = k_two;
    with_display[1]["display"] = "Permission set 2";
    EXPECT_TRUE(check_written(user(with_display), user(k_two_reordered)).clean());
}

TEST(ValueSetWriteCheck, AMissingOrAnExtraItemIsNotTaken) {
    const json one = json::parse(R"([{"value": "0PS2"}])");
    auto missing = check_written(user(k_two), user(one));
    ASSERT_EQ(missing.kept.size(), 1U);
    EXPECT_EQ(missing.kept[0].path, "entitlements");
    EXPECT_EQ(missing.kept[0].held, one);
    // A removal the target did not take: it still holds what was removed.
    auto extra = check_written(user(one), user(k_two_reordered));
    ASSERT_EQ(extra.kept.size(), 1U);
    EXPECT_EQ(describe(extra).substr(0, 25), "target kept entitlements ");
    // Two items of one type are two items, not one typed slot.
    const json permsets = json::parse(
        R"([{"value": "0PS1", "type": "permset"}, {"value": "0PS2", "type": "permset"}])");
    json permsets_reordered = json::array({permsets[1], permsets[0]});
    EXPECT_TRUE(check_written(user(permsets), user(permsets_reordered)).clean());
    json wrong_type = permsets;
    wrong_type[0]["type"] = "profile";
    EXPECT_FALSE(check_written(user(permsets), user(wrong_type)).clean());
    EXPECT_EQ(check_written(user(k_two), user(nullptr)).dropped,
              (std::vector<std::string>{"entitlements"}));
}

TEST(ValueSetMerge, APutSendsTheMappingsSetWhole) {
    const json held = user(json::parse(
        R"([{"value": "0PS1", "type": "permset"}, {"value": "00e1", "type": "profile"}])"));
    const json body = user(json::parse(R"([{"value": "00e1", "type": "profile"}])"));
    auto changes = diff_bodies(held, body);
    const json merged = merge_managed(held, body, changes);
    EXPECT_EQ(merged["entitlements"], body["entitlements"]) << merged.dump();
    // Removing them all sends null: a target whose PUT merges drops them too.
    const json none = user(nullptr);
    const json cleared = merge_managed(held, none, diff_bodies(held, none));
    ASSERT_TRUE(cleared.contains("entitlements"));
    EXPECT_TRUE(cleared["entitlements"].is_null()) << cleared.dump();
}

} // namespace
} // namespace hr2scim::scim
