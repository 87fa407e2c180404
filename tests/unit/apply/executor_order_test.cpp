// Offboarding first and the run's own budget: which operations go first when not everything
// can go at once, and what is left for the next run.
#include "apply/work_order.hpp"
#include "executor_fixture.hpp"

namespace hr2scim::apply {
namespace {

using namespace fixture;
using hr2scim::testing::Reply;
using hr2scim::testing::SentRequest;

json person(const std::string& key) {
    return {{"schemas", {std::string(scim::k_user_schema)}},
            {"userName", key + "@example.com"},
            {"externalId", key},
            {"active", true}};
}

class ExecutorOrderTest : public ExecutorTest {
  protected:
    ExecutorOrderTest() {
        fake.on("PATCH", "/Users/u1", Reply::empty(204));
        // Creates are answered with what was sent under an id made of the externalId; changes
        // with 204 and read back as Ada holds them after the change.
        fake.on_match(
            "POST /Users", [](const SentRequest& sent) { return sent.line() == "POST /Users"; },
            [](const SentRequest& sent) {
                auto body = sent.json();
                return Reply::json(201, held(body, "n-" + body["externalId"].get<std::string>()));
            });
        fake.on_match(
            "GET /Users/n-*",
            [](const SentRequest& sent) { return sent.path.starts_with("/Users/n-"); },
            [](const SentRequest& sent) {
                const auto id = sent.path.substr(std::string("/Users/").size());
                return Reply::json(200, held(person(id.substr(2)), id));
            });
        fake.on("PATCH", "/Users/u4", Reply::empty(204));
        fake.on("PATCH", "/Users/u5", Reply::empty(204));
        fake.on("GET", "/Users/u4",
                Reply::json(200, held(with(person("E4"), "title", "Lead"), "u4")));
    }

    static state::Operation promote_e4(size_t id) {
        return change_of(state::OperationKind::update, "E4", "u4",
                         with(person("E4"), "title", "Lead"),
                         {{"title", std::nullopt, json("Lead")}}, id);
    }

    // The method and path of each write, in the order sent (read-backs left out).
    [[nodiscard]] std::vector<std::string> writes() const {
        std::vector<std::string> lines;
        for (const auto& line : fake.lines())
            if (!line.starts_with("GET ")) lines.push_back(line);
        return lines;
    }
};

TEST(WorkOrder, DeactivationsGoFirstThenRemovalsOfAccessThenUpdatesThenCreates) {
    EXPECT_EQ(urgency(deactivate_ada()), Urgency::revoke);
    EXPECT_EQ(urgency(delete_ada()), Urgency::revoke);
    EXPECT_EQ(urgency(promote_ada()), Urgency::change);
    auto entitlement = promote_ada();
    entitlement.changes = {{"entitlements", json::array({"admin"}), json::array()}};
    EXPECT_EQ(urgency(entitlement), Urgency::restrict);
    EXPECT_EQ(urgency(create_of("E2", bob())), Urgency::grant);
    auto back = promote_ada();
    back.kind = state::OperationKind::reactivate;
    EXPECT_EQ(urgency(back), Urgency::grant) << "a re-hire gives access back";
    state::GroupOperation removal;
    removal.kind = state::GroupOperationKind::remove_members;
    EXPECT_EQ(urgency(removal), Urgency::restrict);
    removal.kind = state::GroupOperationKind::add_members;
    EXPECT_EQ(urgency(removal), Urgency::grant);
}

// Ada as the target holds her after her deactivation.
void ada_deactivated(hr2scim::testing::FakeTransport& fake) {
    fake.on("GET", "/Users/u1", Reply::json(200, held(with(ada(), "active", false), "u1")));
}

TEST_F(ExecutorOrderTest, ALeaverIsDeactivatedBeforeTheCreatesAndUpdatesPlannedBeforeIt) {
    ada_deactivated(fake);
    auto outcomes = run({create_of("E2", person("E2"), 0), create_of("E3", person("E3"), 1),
                         promote_e4(2), deactivate_ada(3)});
    ASSERT_EQ(outcomes.size(), 4U);
    for (const auto& outcome : outcomes)
        EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(writes(),
              (Lines{"PATCH /Users/u1", "PATCH /Users/u4", "POST /Users", "POST /Users"}));
}

TEST_F(ExecutorOrderTest, APersonsOperationsStayInPlanOrderWhateverTheirUrgency) {
    // Ada's update was planned before her deactivation: it still goes first, and her
    // deactivation then still goes before the create.
    fake.on("GET", "/Users/u1", Reply::json(200, held(with(ada(), "title", "Lead"), "u1")), 1);
    fake.on("GET", "/Users/u1",
            Reply::json(200, held(with(with(ada(), "title", "Lead"), "active", false), "u1")));
    auto outcomes = run({create_of("E2", person("E2"), 0), promote_ada(1), deactivate_ada(2)});
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(writes(), (Lines{"PATCH /Users/u1", "PATCH /Users/u1", "POST /Users"}));
    const auto sent = fake.requests();
    EXPECT_NE(sent[0].body.find("title"), std::string::npos) << "the update first";
}

TEST_F(ExecutorOrderTest, WhatRunsBetweenComesAfterTheDeactivationsAndBeforeEverythingElse) {
    ada_deactivated(fake);
    plan.operations = {create_of("E2", person("E2"), 0), promote_e4(1), deactivate_ada(2)};
    executor.emplace(client, sink, AccountOwners{{}, false}, settings);
    std::vector<std::string> seen_between;
    auto outcomes = executor->run(plan, [&] { seen_between = writes(); });
    EXPECT_EQ(seen_between, Lines{"PATCH /Users/u1"});
    EXPECT_EQ(writes(), (Lines{"PATCH /Users/u1", "PATCH /Users/u4", "POST /Users"}));
}

TEST_F(ExecutorOrderTest, ARunsOperationBudgetSendsTheMostUrgentAndLeavesTheRestForTheNextRun) {
    ada_deactivated(fake);
    settings.max_operations = 2;
    settings.budget_setting = "target.budget.operations_per_run";
    auto outcomes = run(
        {create_of("E2", person("E2"), 0), create_of("E3", person("E3"), 1), deactivate_ada(2)});
    EXPECT_EQ(writes(), (Lines{"PATCH /Users/u1", "POST /Users"}));
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(outcomes[2].result, Result::done);
    EXPECT_EQ(outcomes[0].result, Result::done) << "the first create in plan order went";
    EXPECT_EQ(outcomes[1].result, Result::skipped);
    EXPECT_TRUE(outcomes[1].deferred);
    EXPECT_NE(outcomes[1].message.find("target.budget.operations_per_run"), std::string::npos)
        << outcomes[1].message;
    const auto counts = tally(outcomes, std::nullopt);
    EXPECT_EQ(counts.deferred, 1U);
    EXPECT_EQ(counts.skipped, 1U);
    EXPECT_EQ(counts.failed, 0U) << "left for the next run is not a failure";
    EXPECT_TRUE(sink.journaled().size() == 1U) << "only the create sent was journaled";
}

TEST_F(ExecutorOrderTest, AManagerLinkWaitingForADeferredCreateIsDeferredToo) {
    ada_deactivated(fake);
    settings.max_operations = 1;
    settings.budget_setting = "target.budget.operations_per_run";
    auto link = change_of(state::OperationKind::link_manager, "E3", "u3", person("E3"), {}, 1);
    link.depends_on.push_back(0);
    link.manager_key = "E2";
    auto outcomes = run({create_of("E2", person("E2"), 0), link, deactivate_ada(2)});
    EXPECT_EQ(writes(), Lines{"PATCH /Users/u1"});
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_TRUE(outcomes[0].deferred);
    EXPECT_TRUE(outcomes[1].deferred) << outcomes[1].message;
    EXPECT_EQ(tally(outcomes, std::nullopt).deferred, 2U);
}

// The client's hard stop at the daily cap (the run's operation budget aside): the write over
// it is never sent, and its operation and the rest wait for a later run, not failed, and the
// target is not given up for it.
TEST_F(ExecutorOrderTest, AWriteOverTheDailyCapIsNotSentAndItsOperationWaitsForALaterRun) {
    ada_deactivated(fake);
    http::Allowance allowance;
    allowance.writes = 2;
    allowance.writes_spent = std::string(http::k_daily_cap_refusal) +
                             " of 2 writes (target.budget.writes_per_day) is reached";
    client.allow(allowance);
    auto outcomes = run({create_of("E2", person("E2"), 0), create_of("E3", person("E3"), 1),
                         create_of("E4", person("E4"), 2), deactivate_ada(3)});
    EXPECT_EQ(writes(), (Lines{"PATCH /Users/u1", "POST /Users"}));
    ASSERT_EQ(outcomes.size(), 4U);
    EXPECT_EQ(outcomes[3].result, Result::done) << "the deactivation first";
    EXPECT_EQ(outcomes[0].result, Result::done);
    for (size_t i : {1U, 2U}) {
        EXPECT_EQ(outcomes[i].result, Result::skipped) << outcomes[i].message;
        EXPECT_TRUE(outcomes[i].deferred) << outcomes[i].message;
        EXPECT_NE(outcomes[i].message.find("target.budget.writes_per_day"), std::string::npos)
            << outcomes[i].message;
    }
    const auto counts = tally(outcomes, executor->abandoned());
    EXPECT_EQ(counts.failed, 0U);
    EXPECT_EQ(counts.deferred, 2U);
    EXPECT_FALSE(counts.abandoned) << "a spent cap is not a target down";
    // Counted as sent: the two writes and the create's read-back.
    EXPECT_EQ(client.requests_sent().writes, 2U);
    EXPECT_EQ(client.requests_sent().requests, fake.lines().size());
    EXPECT_GE(fake.lines().size(), 3U) << "the create was read back";
}

TEST_F(ExecutorOrderTest, ASpentRunTimeSendsNothingMore) {
    settings.deadline = std::chrono::steady_clock::now();
    settings.budget_setting = "target.budget.run_time";
    auto outcomes = run({create_of("E2", person("E2"), 0), deactivate_ada(1)});
    EXPECT_TRUE(fake.lines().empty());
    for (const auto& outcome : outcomes) {
        EXPECT_TRUE(outcome.deferred);
        EXPECT_NE(outcome.message.find("run_time"), std::string::npos) << outcome.message;
    }
}

TEST_F(ExecutorOrderTest, BulkCarriesTheDeactivationsBeforeTheCreates) {
    ada_deactivated(fake);
    fake.on("GET", "/Users/u5", Reply::json(200, held(with(person("E5"), "active", false), "u5")));
    settings.bulk = true;
    settings.target.bulk = true;
    settings.target.bulk_max_operations = 10;
    settings.target.bulk_max_payload = 1 << 20;
    std::vector<nlohmann::json> bulk_bodies;
    fake.on_match(
        "POST /Bulk", [](const SentRequest& sent) { return sent.line() == "POST /Bulk"; },
        [&](const SentRequest& sent) {
            bulk_bodies.push_back(sent.json());
            return Reply::error(501, "no Bulk here"); // then one by one
        });
    auto leaver =
        change_of(state::OperationKind::deactivate, "E5", "u5", with(person("E5"), "active", false),
                  {{"active", json(true), json(false)}}, 3);
    auto outcomes = run({create_of("E2", person("E2"), 0), create_of("E3", person("E3"), 1),
                         deactivate_ada(2), leaver});
    EXPECT_EQ(outcomes.size(), 4U);
    ASSERT_FALSE(bulk_bodies.empty());
    const auto& first = bulk_bodies.front()["Operations"];
    ASSERT_EQ(first.size(), 2U) << "the two deactivations, without the creates: " << first.dump();
    EXPECT_EQ(first[0]["method"], "PATCH") << first.dump();
    EXPECT_EQ(first[1]["method"], "PATCH") << first.dump();
}

} // namespace
} // namespace hr2scim::apply
