#include "scim/patch.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

using nlohmann::json;
constexpr const char* k_ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

json base() {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User", k_ext}},
            {"userName", "ada@example.com"},
            {"title", "Engineer"},
            {"name", {{"givenName", "Ada"}, {"familyName", "Lovelace"}}},
            {"emails", {{{"type", "work"}, {"value", "ada@example.com"}}}},
            {k_ext, {{"department", "R&D"}, {"costCenter", "1"}}}};
}

TEST(DiffBodies, EqualBodiesHaveNoChanges) {
    EXPECT_TRUE(diff_bodies(base(), base()).empty());
}

TEST(DiffBodies, AChangedSimpleAttributeIsOneReplace) {
    json after = base();
    after["title"] = "Chief";
    auto changes = diff_bodies(base(), after);
    ASSERT_EQ(changes.size(), 1U);
    EXPECT_EQ(changes[0], (AttributeChange{"title", json("Engineer"), json("Chief")}));
    EXPECT_EQ(to_patch_operations(changes),
              (std::vector<PatchOperation>{{"replace", "title", json("Chief")}}));
}

TEST(DiffBodies, ComplexAttributesChangeMemberByMember) {
    json after = base();
    after["name"]["familyName"] = "King";
    after["name"].erase("givenName");
    auto changes = diff_bodies(base(), after);
    ASSERT_EQ(changes.size(), 2U);
    EXPECT_EQ(changes[0].path, "name.familyName");
    EXPECT_EQ(changes[1], (AttributeChange{"name.givenName", json("Ada"), std::nullopt}));
    EXPECT_EQ(to_patch_operations(changes)[1],
              (PatchOperation{"remove", "name.givenName", std::nullopt}));
}

TEST(DiffBodies, ExtensionAttributesUseUrnPathsAndAreNeverReplacedWhole) {
    json after = base();
    after[k_ext]["department"] = "Research";
    after[k_ext].erase("costCenter");
    auto changes = diff_bodies(base(), after);
    ASSERT_EQ(changes.size(), 2U);
    EXPECT_EQ(changes[0].path, std::string(k_ext) + ":costCenter");
    EXPECT_FALSE(changes[0].after);
    EXPECT_EQ(changes[1].path, std::string(k_ext) + ":department");

    json without = base();
    without.erase(k_ext);
    auto removed = diff_bodies(base(), without);
    ASSERT_EQ(removed.size(), 2U) << "one remove per member, never the whole extension";
    auto added = diff_bodies(without, base());
    ASSERT_EQ(added.size(), 2U);
    EXPECT_EQ(added[0].path, std::string(k_ext) + ":costCenter");
}

TEST(DiffBodies, MultiValuedAttributesAreReplacedWhole) {
    json after = base();
    after["emails"][0]["value"] = "ada@new.example.com";
    auto changes = diff_bodies(base(), after);
    ASSERT_EQ(changes.size(), 1U);
    EXPECT_EQ(changes[0].path, "emails");
    EXPECT_EQ(changes[0].after, after["emails"]);
}

TEST(DiffBodies, NewAndRemovedAttributes) {
    json after = base();
    after["nickName"] = "Countess";
    after.erase("emails");
    auto operations = to_patch_operations(diff_bodies(base(), after));
    ASSERT_EQ(operations.size(), 2U);
    EXPECT_EQ(operations[0], (PatchOperation{"remove", "emails", std::nullopt}));
    EXPECT_EQ(operations[1], (PatchOperation{"replace", "nickName", json("Countess")}));
}

TEST(PatchRequest, IsAnRfc7644PatchOp) {
    auto request =
        patch_request({{"replace", "active", json(false)}, {"remove", "title", std::nullopt}});
    EXPECT_EQ(request, json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"replace","path":"active","value":false},{"op":"remove","path":"title"}]})"));
}

TEST(Patch, EntraStyleCapitalisesOpsAndWritesBooleansAsStrings) {
    auto request = patch_request({{"replace", "active", json(false)},
                                  {"add", "title", json("T")},
                                  {"remove", "nickName", std::nullopt}},
                                 PatchStyle::entra);
    EXPECT_EQ(request["Operations"][0],
              json({{"op", "Replace"}, {"path", "active"}, {"value", "False"}}));
    EXPECT_EQ(request["Operations"][1], json({{"op", "Add"}, {"path", "title"}, {"value", "T"}}));
    EXPECT_EQ(request["Operations"][2], json({{"op", "Remove"}, {"path", "nickName"}}));
}

} // namespace
} // namespace hr2scim::scim

namespace hr2scim::scim {
namespace {

TEST(ApplyChange, ApplyingADiffTurnsOneBodyIntoTheOther) {
    const std::string ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    const nlohmann::json a = {{"userName", "a"},
                              {"title", "Old"},
                              {"name", {{"givenName", "Ada"}, {"familyName", "L"}}},
                              {"emails", {{{"type", "work"}, {"value", "a@x"}}}},
                              {ext, {{"department", "Eng"}, {"costCenter", "1"}}}};
    const std::vector<nlohmann::json> others = {
        {{"userName", "a"}, {"name", {{"givenName", "Ada"}}}, {ext, {{"department", "Ops"}}}},
        {{"userName", "b"}, {"title", "New"}, {"emails", {{{"type", "work"}, {"value", "b@x"}}}}},
        {{"userName", "a"}, {"nickName", "x"}, {ext, {{"manager", {{"value", "id-9"}}}}}},
        nlohmann::json::object()};
    for (const auto& b : others) {
        for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
            nlohmann::json body = from;
            for (const auto& change : diff_bodies(from, to))
                apply_change(body, change);
            EXPECT_EQ(body, to) << from.dump() << " -> " << to.dump();
        }
    }
}

} // namespace
} // namespace hr2scim::scim

namespace hr2scim::scim {
namespace {

std::vector<std::string> paths_of(const std::vector<AttributeChange>& changes) {
    std::vector<std::string> paths;
    for (const auto& change : changes)
        paths.push_back(change.path);
    return paths;
}

std::vector<std::vector<std::string>>
requests_of(const std::vector<std::vector<AttributeChange>>& requests) {
    std::vector<std::vector<std::string>> paths;
    for (const auto& request : requests)
        paths.push_back(paths_of(request));
    return paths;
}

using Requests = std::vector<std::vector<std::string>>;

TEST(IdentityChangesApart, AReactivationWithANewUserNameSendsTheRestFirstThenActive) {
    const std::vector<AttributeChange> changes = {
        {"active", json(false), json(true)},
        {"title", json("A"), json("B")},
        {"userName", json("old@example.com"), json("new@example.com")}};
    EXPECT_EQ(requests_of(identity_changes_apart(changes)),
              (Requests{{"title", "userName"}, {"active"}}));
}

TEST(IdentityChangesApart, ADeactivationWithANewUserNameSendsActiveFirst) {
    const std::vector<AttributeChange> changes = {
        {"userName", json("old@example.com"), json("new@example.com")},
        {"active", json(true), json(false)}};
    EXPECT_EQ(requests_of(identity_changes_apart(changes)), (Requests{{"active"}, {"userName"}}));
}

TEST(IdentityChangesApart, OnlyOneOfThemIsOneRequest) {
    EXPECT_EQ(requests_of(identity_changes_apart(
                  {{"active", json(true), json(false)}, {"title", json("A"), json("B")}})),
              (Requests{{"active", "title"}}));
    EXPECT_EQ(requests_of(identity_changes_apart({{"userName", json("a"), json("b")}})),
              (Requests{{"userName"}}));
    EXPECT_EQ(requests_of(identity_changes_apart({})), (Requests{{}}));
}

TEST(IdentityChangesApart, PathsCompareIgnoringCase) {
    EXPECT_EQ(requests_of(identity_changes_apart(
                  {{"ACTIVE", json(false), json(true)}, {"username", json("a"), json("b")}})),
              (Requests{{"username"}, {"ACTIVE"}}));
}

} // namespace
} // namespace hr2scim::scim
