#include "state/plan_file.hpp"

#include <functional>
#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

TEST(PlanFile, RoundTripsEveryOperationField) {
    Plan plan;
    Operation update;
    update.kind = OperationKind::update;
    update.key = "E1";
    update.scim_id = "id-1";
    update.origin = "hr.csv:2";
    update.set_decision("active");
    update.body = {{"userName", "a"}, {"title", "New"}};
    update.changes = {{"title", json("Old"), json("New")}, {"nickName", json("x"), std::nullopt}};
    update.id = 0;
    Operation link;
    link.kind = OperationKind::link_manager;
    link.key = "E2";
    link.manager_key = "E1";
    link.id = 1;
    link.depends_on.push_back(0);
    Operation create;
    create.kind = OperationKind::create;
    create.key = "E3";
    create.resolve_first = true;
    create.edit_details().unique = {{*scim::parse_attribute_path("userName"), {"a@x", "b@x"}}};
    plan.operations = {update, link};
    plan.withheld = {create};
    const PlanOrigin origin{"okta", "c1", "m1", "s1",
                            std::chrono::sys_seconds(std::chrono::seconds(1800000000))};

    auto text = plan_to_json(plan, origin).dump();
    auto read = plan_from_json(json::parse(text));
    ASSERT_TRUE(read.has_value()) << read.error();
    EXPECT_EQ(read->origin.target, "okta");
    EXPECT_EQ(read->origin.state_revision, "s1");
    EXPECT_EQ(read->origin.as_of, origin.as_of);
    ASSERT_EQ(read->plan.operations.size(), 2U);
    EXPECT_EQ(read->plan.operations[0].changes, update.changes) << "a removal stays a removal";
    EXPECT_EQ(read->plan.operations[0].full_body(), update.body);
    const auto& depends_on = read->plan.operations[1].depends_on;
    EXPECT_EQ(std::vector<size_t>(depends_on.begin(), depends_on.end()), std::vector<size_t>{0});
    EXPECT_EQ(read->plan.operations[1].manager_key, "E1");
    ASSERT_EQ(read->plan.withheld.size(), 1U);
    EXPECT_TRUE(read->plan.withheld[0].resolve_first);
    EXPECT_EQ(read->plan.withheld[0].details().unique[0].candidates,
              (std::vector<std::string>{"a@x", "b@x"}));
}

TEST(PlanFile, RefusesAnotherVersionOrShape) {
    EXPECT_FALSE(plan_from_json(json{{"hr2scim_plan", 2}}).has_value());
    EXPECT_FALSE(plan_from_json(json::array()).has_value());
    EXPECT_FALSE(plan_from_json(json{{"hr2scim_plan", 1}, {"target", "x"}}).has_value());
}

TEST(PlanFile, TheStateRevisionChangesWithAnyWrite) {
    std::vector<StoredResource> state = {
        {"E1", "id-1", ResourceStatus::active, {{"title", "A"}}, std::nullopt}};
    const auto before = state_revision(state);
    state[0].body["title"] = "B";
    EXPECT_NE(state_revision(state), before);
    state[0].body["title"] = "A";
    EXPECT_EQ(state_revision(state), before);
    state[0].status = ResourceStatus::deactivated;
    EXPECT_NE(state_revision(state), before);
}

} // namespace
} // namespace hr2scim::state

namespace hr2scim::state {
namespace {

Plan one_update(const std::string& scim_id) {
    Plan plan;
    Operation update;
    update.kind = OperationKind::update;
    update.key = "E1";
    update.scim_id = scim_id;
    update.body = {{"userName", "a"}, {"title", "New"}, {"score", 0.1}};
    update.changes = {{"title", json("Old"), json("New")}};
    Operation create;
    create.kind = OperationKind::create;
    create.key = "E2";
    create.id = 1;
    plan.operations = {update, create};
    return plan;
}

const PlanOrigin k_origin{"okta", "c1", "m1", "s1",
                          std::chrono::sys_seconds(std::chrono::seconds(1800000000))};

TEST(PlanFile, CarriesADigestOfItsOperationsWrittenWholeOrPieceByPiece) {
    const Plan plan = one_update("id-1");
    std::string streamed;
    write_plan_json([&](std::string_view piece) { streamed += piece; }, plan, k_origin);
    const json whole = plan_to_json(plan, k_origin);
    EXPECT_EQ(json::parse(streamed), whole);
    auto read = plan_from_json(json::parse(streamed));
    ASSERT_TRUE(read) << read.error();
    EXPECT_EQ(read->digest, whole["operations_digest"]);
    EXPECT_NE(plan_to_json(one_update("id-2"), k_origin)["operations_digest"],
              whole["operations_digest"]);
}

TEST(PlanFile, AnEditAfterItWasMadeIsRefused) {
    const json made = plan_to_json(one_update("id-1"), k_origin);
    const std::string edited_message = "the plan file was changed after it was made: its "
                                       "operations do not match its operations_digest; make "
                                       "and review a new plan";
    for (const auto& edit : std::vector<std::function<void(json&)>>{
             [](json& file) { file["operations"][0]["scim_id"] = "someone-else"; },
             [](json& file) { file["operations"][0]["body"]["title"] = "CEO"; },
             [](json& file) { file["operations"][1]["kind"] = "delete"; },
             [](json& file) { file["as_of"] = "2030-01-01T00:00:00Z"; },
             [](json& file) { file["withheld"].push_back(file["operations"][0]); },
         }) {
        json file = made;
        edit(file);
        auto read = plan_from_json(file);
        ASSERT_FALSE(read);
        EXPECT_EQ(read.error(), edited_message) << file.dump();
    }
    json unsigned_file = made;
    unsigned_file.erase("operations_digest");
    auto read = plan_from_json(unsigned_file);
    ASSERT_FALSE(read);
    EXPECT_NE(read.error().find("has no operations_digest"), std::string::npos) << read.error();
}

TEST(PlanFile, AnOperationWaitingForMoreThanTwoIsRefusedNotRead) {
    Plan plan = one_update("id-1");
    Operation link;
    link.kind = OperationKind::link_manager;
    link.key = "E2";
    link.manager_key = "E1";
    link.id = 1;
    link.depends_on.push_back(0);
    link.depends_on.push_back(0);
    EXPECT_THROW(link.depends_on.push_back(0), std::length_error);
    plan.operations.push_back(link);
    json file = plan_to_json(plan, k_origin);
    EXPECT_EQ(file["operations"].back()["depends_on"], json::array({0, 0}));
    file["operations"].back()["depends_on"].push_back(0);
    auto read = plan_from_json(file); // the digest no longer matches; were it made again, the
    ASSERT_FALSE(read);               // operation would be refused as malformed (plan_file.cpp)
    EXPECT_FALSE(read.error().empty());
}

TEST(PlanFile, EveryAccountItNamesMustBeTheOneTheStateMapsToThatKey) {
    const std::vector<StoredResource> state = {
        {"E1", "id-1", ResourceStatus::active, {{"userName", "a"}}, std::nullopt}};
    EXPECT_EQ(foreign_account(one_update("id-1"), state, false), std::nullopt);
    EXPECT_EQ(foreign_account(one_update("id-admin"), state, false),
              "operation 0 (update E1): the state maps E1 to the account id-1, not id-admin");
    auto lower = one_update("id-1");
    lower.operations[0].key = "e1";
    EXPECT_EQ(foreign_account(lower, state, false), std::nullopt) << "keys ignore case";
    EXPECT_NE(foreign_account(lower, state, true), std::nullopt);

    Plan unknown = one_update("id-9");
    unknown.operations[0].key = "E7";
    EXPECT_EQ(foreign_account(unknown, state, false),
              "operation 0 (update E7): the state holds no account for E7, but the operation "
              "names id-9");
    Plan create_names_one = one_update("id-1");
    create_names_one.operations[1].scim_id = "id-admin";
    EXPECT_EQ(foreign_account(create_names_one, state, false),
              "operation 1 (create E2): a create names no account, but it names id-admin");
    Plan withheld;
    withheld.withheld = one_update("id-admin").operations;
    EXPECT_NE(foreign_account(withheld, state, false), std::nullopt) << "withheld ones too";
}

} // namespace
} // namespace hr2scim::state

namespace hr2scim::state {
namespace {

GroupPlan a_group_plan() {
    GroupPlan groups;
    GroupOperation create;
    create.kind = GroupOperationKind::create;
    create.key = "dept-eng";
    create.display_name = "Dept - Engineering";
    create.external_id = "dept-eng";
    create.extension = {{"urn:example:Group", {{"costCenter", "CC-1"}}}};
    GroupOperation add;
    add.kind = GroupOperationKind::add_members;
    add.key = "dept-eng";
    add.display_name = "Dept - Engineering";
    add.members = {"E1", "E2"};
    add.resolve_first = true;
    GroupOperation out;
    out.kind = GroupOperationKind::remove_members;
    out.key = "everyone";
    out.scim_id = "g-7";
    out.display_name = "All";
    out.members = {"E3"};
    out.member_ids = {"u-3"};
    out.decision = "deactivated";
    groups.operations = {create, add};
    groups.withheld = {out};
    groups.withheld_reasons = {"\"All\": 1 of 1 members would leave"};
    return groups;
}

TEST(PlanFile, CarriesTheGroupChangesUnderTheSameDigest) {
    const Plan plan = one_update("id-1");
    const GroupPlan groups = a_group_plan();
    std::string streamed;
    write_plan_json([&](std::string_view piece) { streamed += piece; }, plan, k_origin, &groups);
    const json whole = plan_to_json(plan, k_origin, &groups);
    EXPECT_EQ(json::parse(streamed), whole);
    EXPECT_NE(whole["operations_digest"], plan_to_json(plan, k_origin)["operations_digest"]);
    EXPECT_EQ(plan_to_json(plan, k_origin).contains("groups"), false)
        << "a plan without group rules is written as before";
    auto read = plan_from_json(whole);
    ASSERT_TRUE(read) << read.error();
    ASSERT_EQ(read->groups.operations.size(), 2U);
    EXPECT_EQ(read->groups.operations[0].extension, groups.operations[0].extension);
    EXPECT_EQ(read->groups.operations[1].members, groups.operations[1].members);
    EXPECT_TRUE(read->groups.operations[1].resolve_first);
    ASSERT_EQ(read->groups.withheld.size(), 1U);
    EXPECT_EQ(read->groups.withheld[0].member_ids, std::vector<std::string>{"u-3"});
    EXPECT_EQ(read->groups.withheld_items(), groups.withheld_items());
    // An edited member list no longer matches the digest.
    auto edited = whole;
    edited["groups"]["operations"][1]["members"].push_back("E9");
    EXPECT_FALSE(plan_from_json(edited).has_value());
}

TEST(PlanFile, AGroupChangeMustNameTheGroupTheStateHolds) {
    GroupPlan groups = a_group_plan();
    StoredGroup everyone;
    everyone.key = "everyone";
    everyone.scim_id = "g-7";
    EXPECT_EQ(foreign_group(groups, {everyone}), std::nullopt);
    everyone.scim_id = "g-admins";
    EXPECT_NE(foreign_group(groups, {everyone}), std::nullopt);
    groups.operations[0].scim_id = "g-1";
    EXPECT_NE(foreign_group(groups, {}), std::nullopt) << "a create names no group";
    // The state's groups count in its revision; a state without groups keeps its old one.
    const std::vector<StoredResource> users;
    EXPECT_EQ(state_revision(users), state_revision(users, {}));
    EXPECT_NE(state_revision(users, {everyone}), state_revision(users));
}

} // namespace
} // namespace hr2scim::state
