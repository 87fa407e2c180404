// A plan that is only shown folds each manager link into its user's create; unfolded, it is the
// plan make_plan() makes without folding, operation for operation (order, ids, dependencies).
#include "scim/schema.hpp"
#include "state/plan_file.hpp"
#include "state/planner.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

json body(const std::string& key, const std::string& title = "Engineer") {
    return {{"schemas", {scim::k_user_schema}}, {"userName", key + "@x"}, {"title", title}};
}

scim::DesiredResource person(const std::string& key, std::optional<std::string> manager = {}) {
    scim::DesiredResource resource;
    resource.key = key;
    resource.body = body(key);
    resource.origin = "hr.csv:" + key;
    resource.manager_key = std::move(manager);
    return resource;
}

StoredResource stored(const std::string& key, json sent) {
    return {key, "id-" + key, ResourceStatus::active, std::move(sent), std::nullopt};
}

// New people whose managers are new too (one named in another case, one packed as `plan`
// packs them), an existing user who gets a new manager (a link that cannot be folded), one
// whose manager has an id, one with an unknown manager, and a leaver.
std::vector<scim::DesiredResource> people() {
    std::vector<scim::DesiredResource> all = {
        person("M"),           person("a", "m"), person("b", "M"), person("c", "boss"),
        person("k", "nobody"), person("u", "M"), person("z", "a"), person("boss"),
    };
    pack_for_planning(all[6], nullptr); // z: a create as the compiled mapping writes it
    return all;
}

std::vector<StoredResource> state() {
    return {stored("boss", body("boss")), stored("u", body("u")), stored("gone", body("gone"))};
}

PlanPolicy policy(bool fold, size_t max_deactivations) {
    PlanPolicy policy;
    policy.fold_links = fold;
    policy.limits.confirm_absence = 1;
    policy.limits.max_deactivations = max_deactivations;
    policy.limits.max_deactivation_percent = 100;
    return policy;
}

const PlanOrigin k_origin{"t", "c", "m", "s",
                          std::chrono::sys_seconds(std::chrono::seconds(1800000000))};

class FoldedLinks : public testing::TestWithParam<size_t> {};

TEST_P(FoldedLinks, UnfoldedThePlanIsTheOneMadeWithoutFolding) {
    const auto desired = people();
    const auto held = state();
    const Plan plain = make_plan(desired, held, policy(false, GetParam()));
    Plan folded = make_plan(desired, held, policy(true, GetParam()));

    ASSERT_EQ(plain.count(OperationKind::link_manager), 4U) << "a, b, u and z";
    EXPECT_EQ(folded.folded_links, 3U) << "a, b and z are created; u's link stays an operation";
    EXPECT_EQ(folded.operations.size(), plain.operations.size() - 3);
    EXPECT_EQ(folded.operation_count(), plain.operations.size());
    const auto counts = folded.counts(); // in one pass, as the plan's summary line counts
    for (auto kind :
         {OperationKind::create, OperationKind::update, OperationKind::deactivate,
          OperationKind::reactivate, OperationKind::remove, OperationKind::link_manager}) {
        EXPECT_EQ(folded.count(kind), plain.count(kind)) << verb(kind);
        EXPECT_EQ(counts[kind], plain.count(kind)) << verb(kind);
    }
    EXPECT_EQ(folded.leading_operations(), plain.leading_operations());
    for (size_t i = 0; i < folded.leading_operations(); ++i)
        EXPECT_EQ(folded.operations[i].key, plain.operations[i].key) << "listed alike";
    EXPECT_THROW((void)plan_to_json(folded, k_origin), std::logic_error)
        << "a plan file is never written folded";

    folded.unfold_links();
    EXPECT_EQ(folded.folded_links, 0U);
    EXPECT_EQ(plan_to_json(folded, k_origin).dump(2), plan_to_json(plain, k_origin).dump(2));
    const auto& links = folded.operations;
    const auto a_link = std::ranges::find_if(links, [](const Operation& operation) {
        return operation.kind == OperationKind::link_manager && operation.key == "a";
    });
    ASSERT_NE(a_link, links.end());
    EXPECT_EQ(a_link->depends_on.size(), 2U) << "M's create and a's own";
    EXPECT_TRUE(std::ranges::none_of(links, &Operation::link_after));
}

// 10: the leader is deactivated after the links; 0: withheld, numbered after every operation.
INSTANTIATE_TEST_SUITE_P(Deactivations, FoldedLinks, testing::Values(10U, 0U));

TEST(FoldedLinksAlone, AreNotFoldedWhenTheTargetAllowsNoLinks) {
    auto switched = policy(true, 10);
    switched.operations.update = false; // links are updates
    const Plan plan = make_plan(people(), state(), switched);
    EXPECT_EQ(plan.folded_links, 0U);
    EXPECT_EQ(plan.count(OperationKind::link_manager), 0U);
}

} // namespace
} // namespace hr2scim::state
