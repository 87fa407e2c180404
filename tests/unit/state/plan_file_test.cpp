#include "state/plan_file.hpp"

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
    update.decision = "active";
    update.body = {{"userName", "a"}, {"title", "New"}};
    update.changes = {{"title", json("Old"), json("New")}, {"nickName", json("x"), std::nullopt}};
    update.id = 0;
    Operation link;
    link.kind = OperationKind::link_manager;
    link.key = "E2";
    link.manager_key = "E1";
    link.id = 1;
    link.depends_on = {0};
    Operation create;
    create.kind = OperationKind::create;
    create.key = "E3";
    create.resolve_first = true;
    create.unique = {{*scim::parse_attribute_path("userName"), {"a@x", "b@x"}}};
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
    EXPECT_EQ(read->plan.operations[0].body, update.body);
    EXPECT_EQ(read->plan.operations[1].depends_on, std::vector<size_t>{0});
    EXPECT_EQ(read->plan.operations[1].manager_key, "E1");
    ASSERT_EQ(read->plan.withheld.size(), 1U);
    EXPECT_TRUE(read->plan.withheld[0].resolve_first);
    EXPECT_EQ(read->plan.withheld[0].unique[0].candidates,
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
