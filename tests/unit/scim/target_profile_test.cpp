// What each target.profile means, decided in scim/target_profile.cpp only: here the AWS IAM
// Identity Center profile and RFC 9865 cursor paging announced by the target itself.
#include "scim/target_profile.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

DesiredResource person(json body) {
    DesiredResource desired;
    desired.key = "E1";
    desired.body = std::move(body);
    return desired;
}

json complete() {
    return {{"userName", "ada@example.com"},
            {"displayName", "Ada Lovelace"},
            {"name", {{"givenName", "Ada"}, {"familyName", "Lovelace"}}},
            {"active", true}};
}

TEST(TargetProfile, AwsIdentityCenterIsAProfileName) {
    EXPECT_EQ(dialect_named("aws_identity_center"), Dialect::aws_identity_center);
    EXPECT_EQ(dialect_name(Dialect::aws_identity_center), "aws_identity_center");
    EXPECT_NE(dialect_names().find("aws_identity_center"), std::string::npos);
}

TEST(TargetProfile, AwsIdentityCenterPagesByCursorWithoutBulkAndPatchesIdentityAlone) {
    Capabilities said;
    said.bulk = true;
    said.bulk_max_operations = 100;
    auto profile = TargetProfile::make("t", Dialect::aws_identity_center, said, std::nullopt);
    EXPECT_EQ(profile.paging(), Paging::cursor);
    EXPECT_FALSE(profile.bulk()) << "/Bulk is not supported (Limitations page)";
    EXPECT_EQ(profile.capabilities().max_results, 100U);
    EXPECT_TRUE(TargetProfile::identity_patched_alone(Dialect::aws_identity_center));
    EXPECT_FALSE(TargetProfile::identity_patched_alone(Dialect::automatic));
}

TEST(TargetProfile, CursorPagingIsUsedWhereTheTargetAnnouncesIt) {
    auto announced = capabilities_from(json::parse(R"({"pagination": {"cursor": true,
        "index": false, "defaultPaginationMethod": "cursor", "maxPageSize": 250}})"));
    EXPECT_TRUE(announced.cursor_paging);
    EXPECT_EQ(announced.max_page_size, 250U);
    EXPECT_EQ(TargetProfile::make("t", Dialect::automatic, announced, std::nullopt).paging(),
              Paging::cursor);
    auto smaller = announced;
    smaller.max_page_size = 50;
    smaller.max_results = 200;
    EXPECT_EQ(TargetProfile::make("t", Dialect::automatic, smaller, std::nullopt)
                  .capabilities()
                  .max_results,
              50U)
        << "a cursor page no larger than maxPageSize";
    auto index_only = capabilities_from(json::parse(R"({"pagination": {"cursor": false}})"));
    EXPECT_EQ(TargetProfile::make("t", Dialect::automatic, index_only, std::nullopt).paging(),
              Paging::index);
    EXPECT_EQ(TargetProfile::make("t", Dialect::automatic, Capabilities{}, std::nullopt).paging(),
              Paging::index);
    // Kept in the state as said.
    EXPECT_TRUE(capabilities_from_state(to_json(announced)).cursor_paging);
    EXPECT_EQ(capabilities_from_state(to_json(announced)).max_page_size, 250U);
}

TEST(TargetProfile, AwsIdentityCenterRefusesAPersonWithoutANameByAttribute) {
    EXPECT_EQ(TargetProfile::refusal(Dialect::aws_identity_center, person(complete())),
              std::nullopt);
    auto without = complete();
    without["name"].erase("familyName");
    without["displayName"] = " ";
    auto refused = TargetProfile::refusal(Dialect::aws_identity_center, person(without));
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->find("requires name.familyName, displayName"), std::string::npos)
        << *refused;
    EXPECT_EQ(TargetProfile::refusal(Dialect::automatic, person(without)), std::nullopt);
}

TEST(TargetProfile, ALeaverIsNeverRefusedForWhatTheirRecordLacks) {
    auto without = complete();
    without.erase("name");
    without["active"] = false;
    EXPECT_EQ(TargetProfile::refusal(Dialect::aws_identity_center, person(without)), std::nullopt);
    auto terminated = person(complete());
    terminated.body.erase("displayName");
    terminated.terminated = true;
    EXPECT_EQ(TargetProfile::refusal(Dialect::aws_identity_center, terminated), std::nullopt);
    auto out_of_scope = person(complete());
    out_of_scope.body.erase("displayName");
    out_of_scope.disposition = Disposition::out_of_scope;
    EXPECT_EQ(TargetProfile::refusal(Dialect::aws_identity_center, out_of_scope), std::nullopt);
}

} // namespace
} // namespace hr2scim::scim

namespace hr2scim::scim {
namespace {

TEST(TargetProfile, TheSaasProfilesAreNamed) {
    for (const char* name : {"atlassian", "salesforce", "github", "slack"}) {
        auto dialect = dialect_named(name);
        ASSERT_TRUE(dialect) << name;
        EXPECT_EQ(dialect_name(*dialect), name);
    }
    EXPECT_FALSE(TargetProfile::deletes_by_default(Dialect::atlassian));
    EXPECT_FALSE(TargetProfile::deletes_by_default(Dialect::salesforce));
    EXPECT_FALSE(TargetProfile::deletes_by_default(Dialect::github));
    EXPECT_TRUE(TargetProfile::deletes_by_default(Dialect::slack));
    EXPECT_TRUE(TargetProfile::deletes_by_default(Dialect::automatic));
}

} // namespace
} // namespace hr2scim::scim

namespace hr2scim::scim {
namespace {

TEST(TargetProfile, OnlySalesforceIsLookedForAtThePluralPath) {
    EXPECT_TRUE(TargetProfile::configuration_plural_too(Dialect::salesforce));
    EXPECT_FALSE(TargetProfile::configuration_plural_too(Dialect::automatic));
    EXPECT_FALSE(TargetProfile::configuration_plural_too(Dialect::slack));
}

} // namespace
} // namespace hr2scim::scim

namespace hr2scim::scim {
namespace {

TEST(TargetProfile, EntraInboundTakesUploadsOnlyAndNeverDeletes) {
    ASSERT_EQ(dialect_named("entra_inbound"), Dialect::entra_inbound);
    EXPECT_TRUE(TargetProfile::uploads_only(Dialect::entra_inbound));
    EXPECT_FALSE(TargetProfile::uploads_only(Dialect::entra));
    EXPECT_FALSE(TargetProfile::deletes_by_default(Dialect::entra_inbound));
    const auto budget = TargetProfile::published_budget(Dialect::entra_inbound);
    ASSERT_TRUE(budget.writes);
    EXPECT_EQ(budget.writes->per_second(), 8.0) << "40 calls per 5 seconds";
    EXPECT_EQ(TargetProfile::published_writes_per_day(Dialect::entra_inbound), 6000U);
    EXPECT_EQ(TargetProfile::published_writes_per_day(Dialect::slack), std::nullopt);
    const auto profile = TargetProfile::documented("t", Dialect::entra_inbound);
    EXPECT_TRUE(profile.bulk());
    EXPECT_EQ(profile.capabilities().bulk_max_operations, 50U);
    EXPECT_FALSE(profile.patch());
    EXPECT_FALSE(profile.filter());
}

TEST(TargetProfile, EntraInboundRefusesAnyoneWithoutExternalIdLeaversIncluded) {
    auto with = complete();
    with["externalId"] = "E1";
    EXPECT_EQ(TargetProfile::refusal(Dialect::entra_inbound, person(with)), std::nullopt);
    auto leaver = person(complete());
    leaver.body["active"] = false;
    leaver.terminated = true;
    const auto refused = TargetProfile::refusal(Dialect::entra_inbound, leaver);
    ASSERT_TRUE(refused) << "an upload without externalId cannot disable anyone either";
    EXPECT_NE(refused->find("externalId"), std::string::npos) << *refused;
    EXPECT_EQ(refused->find("userName"), std::string::npos) << *refused;
}

} // namespace
} // namespace hr2scim::scim
