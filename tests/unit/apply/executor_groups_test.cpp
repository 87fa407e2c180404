// The group operations through a fake transport, as the user operations are tested: each answer
// a target may give, the GroupOutcome it becomes, what was journaled before sending, and exactly
// which requests were sent. Nothing here writes a state: the sink records what would be.

#include "tests/unit/apply/executor_fixture.hpp"

namespace hr2scim::apply::fixture {
namespace {

using state::GroupOperation;
using state::GroupOperationKind;

std::string group_look_up(const std::string& attribute, const std::string& value) {
    return "/Groups?filter=" + attribute + "%20eq%20%22" + value + "%22&count=10";
}

GroupOperation create_group(const std::string& key, const std::string& name,
                            const std::string& external_id = {}) {
    GroupOperation operation;
    operation.kind = GroupOperationKind::create;
    operation.key = key;
    operation.display_name = name;
    operation.external_id = external_id;
    return operation;
}

GroupOperation change_group(GroupOperationKind kind, const std::string& key, const std::string& id,
                            std::vector<std::string> members = {},
                            std::vector<std::string> member_ids = {}) {
    GroupOperation operation;
    operation.kind = kind;
    operation.key = key;
    operation.scim_id = id;
    operation.display_name = "Engineering";
    operation.members = std::move(members);
    operation.member_ids = std::move(member_ids);
    return operation;
}

class GroupExecutorTest : public ExecutorTest {
  protected:
    GroupExecutorTest() {
        for (int i = 1; i <= 9; ++i)
            users.push_back({"E" + std::to_string(i),
                             "u" + std::to_string(i),
                             state::ResourceStatus::active,
                             ada(),
                             {},
                             {}});
    }

    std::vector<GroupOutcome> run_groups(std::vector<GroupOperation> operations) {
        groups.operations = std::move(operations);
        executor.emplace(client, sink, AccountOwners{{}, false}, settings);
        auto outcomes = executor->run_groups(groups, users);
        EXPECT_EQ(sink.groups_recorded(), outcomes.size()) << "every outcome reaches the sink";
        return outcomes;
    }

    GroupOutcome run_group(GroupOperation operation) {
        auto outcomes = run_groups({std::move(operation)});
        EXPECT_EQ(outcomes.size(), 1U);
        return outcomes.empty() ? GroupOutcome{} : outcomes.front();
    }

    // Nobody holds a group of that externalId or name.
    void nothing_found(const std::string& external_id, const std::string& name) {
        if (!external_id.empty())
            fake.on("GET", group_look_up("externalId", external_id), Reply::json(200, list_of({})));
        fake.on("GET", group_look_up("displayName", name), Reply::json(200, list_of({})));
    }

    std::vector<state::StoredResource> users;
    state::GroupPlan groups;
};

// ---- create -------------------------------------------------------------------------------

TEST_F(GroupExecutorTest, ACreateIsLookedUpJournaledPostedAndFilledWithoutAnyStateWrite) {
    nothing_found("dept-eng", "Engineering");
    bool journaled_before_post = false;
    fake.on_match(
        "POST /Groups", [](const SentRequest& sent) { return sent.line() == "POST /Groups"; },
        [&](const SentRequest&) {
            journaled_before_post = sink.group_journal().size() == 1;
            return Reply::json(201, {{"id", "g1"}, {"displayName", "Engineering"}});
        });
    fake.on("PATCH", "/Groups/g1", Reply::empty(204));
    auto add = change_group(GroupOperationKind::add_members, "eng", "", {"E1", "E2"});
    auto outcomes = run_groups({create_group("eng", "Engineering", "dept-eng"), add});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_TRUE(journaled_before_post);
    EXPECT_EQ(fake.lines(), (Lines{"GET " + group_look_up("externalId", "dept-eng"),
                                   "GET " + group_look_up("displayName", "Engineering"),
                                   "POST /Groups", "PATCH /Groups/g1"}));
    EXPECT_EQ(fake.requests()[2].json()["externalId"], "dept-eng");
    EXPECT_EQ(outcomes[0].result, Result::done) << outcomes[0].message;
    ASSERT_TRUE(outcomes[0].save);
    EXPECT_EQ(outcomes[0].save->scim_id, "g1");
    EXPECT_TRUE(outcomes[0].save->created_by_hr2scim);
    EXPECT_EQ(outcomes[1].result, Result::done) << outcomes[1].message;
    EXPECT_EQ(outcomes[1].added_keys, (std::vector<std::string>{"E1", "E2"}));
    EXPECT_EQ(outcomes[1].added_ids, (std::vector<std::string>{"u1", "u2"}));
    EXPECT_EQ(fake.requests()[3].json()["Operations"][0]["value"],
              json::parse(R"([{"value":"u1"},{"value":"u2"}])"));
    EXPECT_EQ(sink.group_journal(), (Lines{"create eng id=", "members eng E1=u1 E2=u2"}))
        << "journaled before each write, through the sink";
}

TEST_F(GroupExecutorTest, ACreateAnswered409IsAConflictAndItsJournalGoes) {
    nothing_found("", "Engineering");
    fake.on("POST", "/Groups", Reply::error(409, "exists", "uniqueness"));
    auto outcome = run_group(create_group("eng", "Engineering"));
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_TRUE(outcome.forget) << "nothing was created: no journal to resolve";
    EXPECT_EQ(fake.count("POST", "/Groups"), 1U) << "never sent again";
}

TEST_F(GroupExecutorTest, ACreateAnswered400IsRefusedAndTheMembersWaitForTheGroup) {
    nothing_found("", "Engineering");
    fake.on("POST", "/Groups", Reply::error(400, "bad displayName", "invalidValue"));
    auto outcomes = run_groups({create_group("eng", "Engineering"),
                                change_group(GroupOperationKind::add_members, "eng", "", {"E1"})});
    EXPECT_EQ(outcomes[0].result, Result::refused);
    EXPECT_FALSE(outcomes[0].forget) << "the journal stays: it said no, but not 'it exists'";
    EXPECT_EQ(outcomes[1].result, Result::skipped);
    EXPECT_EQ(outcomes[1].message, "the group was not created");
    EXPECT_EQ(fake.count("PATCH", "/"), 0U);
}

TEST_F(GroupExecutorTest, ACreateAnsweredWithoutAnIdIsUnknownForTheNextRunToLookUp) {
    nothing_found("", "Engineering");
    fake.on("POST", "/Groups", Reply::json(201, {{"displayName", "Engineering"}}));
    auto outcome = run_group(create_group("eng", "Engineering"));
    EXPECT_EQ(outcome.result, Result::unknown);
    EXPECT_FALSE(outcome.save);
    EXPECT_FALSE(outcome.forget);
}

TEST_F(GroupExecutorTest, AFailedLookUpSendsNoCreate) {
    fake.on("GET", group_look_up("displayName", "Engineering"), Reply::error(503, "busy"));
    auto outcome = run_group(create_group("eng", "Engineering"));
    EXPECT_EQ(outcome.result, Result::transient);
    EXPECT_EQ(fake.count("GET", "/Groups"), 4U) << "retried as every request is";
    EXPECT_EQ(fake.count("POST", "/"), 0U);
    EXPECT_TRUE(sink.group_journal().empty());
}

TEST_F(GroupExecutorTest, AGroupWithTheRulesExternalIdIsTakenOverWithTheMembersItHolds) {
    fake.on("GET", group_look_up("externalId", "dept-eng"),
            Reply::json(200, list_of({{{"id", "g7"},
                                       {"displayName", "Engineering"},
                                       {"externalId", "dept-eng"},
                                       {"members", {{{"value", "u1"}}, {{"value", "x9"}}}}}})));
    auto outcome = run_group(create_group("eng", "Engineering", "dept-eng"));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_TRUE(outcome.taken_over);
    ASSERT_TRUE(outcome.save);
    EXPECT_EQ(outcome.save->scim_id, "g7");
    EXPECT_EQ(outcome.added_keys, std::vector<std::string>{"E1"}) << "x9 is not hr2scim's";
    EXPECT_EQ(fake.count("POST", "/"), 0U);
}

TEST_F(GroupExecutorTest, RefusedCredentialsAbandonTheTargetAndTheRestIsNotSent) {
    fake.on("GET", group_look_up("displayName", "Engineering"), Reply::error(401, "expired"));
    std::vector<GroupOperation> operations{create_group("eng", "Engineering")};
    for (const char* key : {"a", "b", "c"})
        operations.push_back(
            change_group(GroupOperationKind::add_members, key, std::string("g-") + key, {"E1"}));
    auto outcomes = run_groups(std::move(operations));
    EXPECT_EQ(outcomes[0].result, Result::target_unusable);
    for (size_t at = 1; at < outcomes.size(); ++at) {
        EXPECT_TRUE(outcomes[at].not_sent) << at;
        EXPECT_EQ(outcomes[at].result, Result::skipped);
    }
    EXPECT_EQ(fake.lines().size(), 1U) << "nothing after the 401";
    EXPECT_TRUE(executor->abandoned());
}

// ---- members ------------------------------------------------------------------------------

TEST_F(GroupExecutorTest, AnAdditionAnswered429IsRetriedAndDone) {
    fake.on("PATCH", "/Groups/g1", Reply::error(429, "slow down"), 1);
    fake.on("PATCH", "/Groups/g1", Reply::json(200, {{"id", "g1"}}));
    auto outcome = run_group(change_group(GroupOperationKind::add_members, "eng", "g1", {"E3"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(fake.count("PATCH", "/Groups/g1"), 2U);
    EXPECT_EQ(outcome.added_ids, std::vector<std::string>{"u3"});
}

TEST_F(GroupExecutorTest, AnAdditionThatKeepsFailingIsTransientAndRecordsNobody) {
    fake.on("PATCH", "/Groups/g1", Reply::error(500, "oops"));
    auto outcome = run_group(change_group(GroupOperationKind::add_members, "eng", "g1", {"E3"}));
    EXPECT_EQ(outcome.result, Result::transient);
    EXPECT_TRUE(outcome.added_keys.empty());
    EXPECT_EQ(sink.group_journal(), Lines{"members eng E3=u3"}) << "pending: read before next add";
}

TEST_F(GroupExecutorTest, AnAdditionWithoutAnAnswerMakesTheTargetUnusable) {
    fake.on("PATCH", "/Groups/g1", Reply::none());
    auto outcome = run_group(change_group(GroupOperationKind::add_members, "eng", "g1", {"E3"}));
    EXPECT_EQ(outcome.result, Result::target_unusable);
    EXPECT_TRUE(outcome.added_keys.empty());
}

TEST_F(GroupExecutorTest, AMemberLimitHalvesTheRequestAndIsLearnt) {
    // At most 3 members a request: a request of 8 is refused, as is one of 4; then 3 go.
    fake.on_match(
        "PATCH /Groups/g1",
        [](const SentRequest& sent) { return sent.line() == "PATCH /Groups/g1"; },
        [](const SentRequest& sent) {
            const auto count = sent.json()["Operations"][0]["value"].size();
            return count > 3 ? Reply::error(400,
                                            std::to_string(count) + " member changes in one "
                                                                    "PATCH; too many",
                                            "tooMany")
                             : Reply::empty(204);
        });
    auto outcome = run_group(change_group(GroupOperationKind::add_members, "eng", "g1",
                                          {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.added_keys.size(), 8U) << "nobody lost";
    // 8 refused, 4 refused, then 2+2+2+2 (halved again from 4).
    std::vector<size_t> sizes;
    for (const auto& sent : fake.requests())
        sizes.push_back(sent.json()["Operations"][0]["value"].size());
    EXPECT_EQ(sizes, (std::vector<size_t>{8, 4, 2, 2, 2, 2}));
    EXPECT_EQ(executor->learnt().member_cap, 2U);
    EXPECT_NE(executor->learnt().member_cap_evidence.find("tooMany"), std::string::npos);
}

TEST_F(GroupExecutorTest, AMemberLimitTheAnswerNamesIsTakenAsIs) {
    fake.on_match(
        "PATCH /Groups/g1",
        [](const SentRequest& sent) { return sent.line() == "PATCH /Groups/g1"; },
        [](const SentRequest& sent) {
            const auto count = sent.json()["Operations"][0]["value"].size();
            return count > 3 ? Reply::error(400, "at most 3 members per request")
                             : Reply::empty(204);
        });
    settings.target.member_cap = 0;
    auto outcome = run_group(change_group(GroupOperationKind::add_members, "eng", "g1",
                                          {"E1", "E2", "E3", "E4", "E5", "E6", "E7"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(fake.lines().size(), 4U) << "7 refused, then 3 + 3 + 1";
    EXPECT_EQ(executor->learnt().member_cap, 3U);
}

TEST_F(GroupExecutorTest, ALearntCapIsUsedFromTheFirstRequest) {
    settings.target.member_cap = 2;
    fake.on("PATCH", "/Groups/g1", Reply::empty(204));
    auto outcome = run_group(
        change_group(GroupOperationKind::add_members, "eng", "g1", {"E1", "E2", "E3", "E4", "E5"}));
    EXPECT_EQ(outcome.result, Result::done);
    EXPECT_EQ(fake.count("PATCH", "/Groups/g1"), 3U);
    EXPECT_EQ(executor->learnt().member_cap, 0U) << "nothing new learnt";
}

TEST_F(GroupExecutorTest, A400ThatNamesNoLimitIsRefusedNotHalved) {
    fake.on("PATCH", "/Groups/g1", Reply::error(400, "invalid member", "invalidValue"));
    auto outcome =
        run_group(change_group(GroupOperationKind::add_members, "eng", "g1", {"E1", "E2"}));
    EXPECT_EQ(outcome.result, Result::refused);
    EXPECT_EQ(fake.lines().size(), 1U);
}

TEST_F(GroupExecutorTest, ARemovalOfMembersAlreadyGoneIsDone) {
    fake.on("PATCH", "/Groups/g1", Reply::error(400, "no such member", "noTarget"));
    auto outcome = run_group(
        change_group(GroupOperationKind::remove_members, "eng", "g1", {"E1", "E2"}, {"u1", "u2"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.removed_keys, (std::vector<std::string>{"E1", "E2"}));
    const auto operations = fake.requests()[0].json()["Operations"];
    EXPECT_EQ(operations[0]["path"], "members[value eq \"u1\"]");
}

TEST_F(GroupExecutorTest, ARemovalFromAGroupTheTargetLostIsRefused) {
    fake.on("PATCH", "/Groups/g1", Reply::error(404, "no such group"));
    auto outcome =
        run_group(change_group(GroupOperationKind::remove_members, "eng", "g1", {"E1"}, {"u1"}));
    EXPECT_EQ(outcome.result, Result::refused);
    EXPECT_TRUE(outcome.removed_keys.empty());
}

TEST_F(GroupExecutorTest, ARemovalWithoutTheIdsAddedIsNotSent) {
    auto outcome =
        run_group(change_group(GroupOperationKind::remove_members, "eng", "g1", {"E1"}, {}));
    EXPECT_EQ(outcome.result, Result::refused);
    EXPECT_TRUE(fake.lines().empty());
}

// ---- rename and delete --------------------------------------------------------------------

TEST_F(GroupExecutorTest, ARenameIsOnePatchAndSaved) {
    fake.on("PATCH", "/Groups/g1", Reply::json(200, {{"id", "g1"}}));
    auto rename = change_group(GroupOperationKind::rename, "eng", "g1");
    rename.display_name = "R&D";
    auto outcome = run_group(rename);
    EXPECT_EQ(outcome.result, Result::done);
    EXPECT_TRUE(outcome.renamed);
    ASSERT_TRUE(outcome.save);
    EXPECT_EQ(outcome.save->display_name, "R&D");
    EXPECT_EQ(fake.requests()[0].json()["Operations"][0]["value"], "R&D");
}

TEST_F(GroupExecutorTest, ARenameAnswered412IsRefusedAndNothingSaved) {
    fake.on("PATCH", "/Groups/g1", Reply::error(412, "changed"));
    auto outcome = run_group(change_group(GroupOperationKind::rename, "eng", "g1"));
    EXPECT_EQ(outcome.result, Result::refused);
    EXPECT_FALSE(outcome.save);
}

TEST_F(GroupExecutorTest, ADeleteIsForgottenAnsweredOr404) {
    fake.on("DELETE", "/Groups/g1", Reply::empty(204));
    fake.on("DELETE", "/Groups/g2", Reply::error(404, "gone"));
    fake.on("DELETE", "/Groups/g3", Reply::error(409, "in use"));
    auto outcomes = run_groups({change_group(GroupOperationKind::remove, "a", "g1"),
                                change_group(GroupOperationKind::remove, "b", "g2"),
                                change_group(GroupOperationKind::remove, "c", "g3")});
    EXPECT_TRUE(outcomes[0].forget);
    EXPECT_EQ(outcomes[0].result, Result::done);
    EXPECT_TRUE(outcomes[1].forget) << "already gone";
    EXPECT_EQ(outcomes[2].result, Result::conflict);
    EXPECT_FALSE(outcomes[2].forget);
}

// ---- scheduling ---------------------------------------------------------------------------

TEST_F(GroupExecutorTest, GroupsRunConcurrentlyEachInPlanOrderDeletionsFirst) {
    settings.concurrency = 4;
    std::vector<GroupOperation> operations;
    for (int i = 0; i < 8; ++i) {
        const auto key = "k" + std::to_string(i);
        operations.push_back(change_group(GroupOperationKind::add_members, key, "g" + key, {"E1"}));
        operations.push_back(
            change_group(GroupOperationKind::remove_members, key, "g" + key, {"E2"}, {"u2"}));
    }
    operations.push_back(change_group(GroupOperationKind::remove, "old", "g-old"));
    fake.on_prefix("PATCH", "/Groups/", Reply::empty(204));
    fake.on("DELETE", "/Groups/g-old", Reply::empty(204));
    auto outcomes = run_groups(std::move(operations));
    for (const auto& outcome : outcomes)
        EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    const auto lines = fake.lines();
    ASSERT_EQ(lines.size(), 17U);
    EXPECT_EQ(lines.front(), "DELETE /Groups/g-old") << "a deletion frees its name first";
    for (int i = 0; i < 8; ++i) { // each group's addition before its removal
        const auto path = "PATCH /Groups/gk" + std::to_string(i);
        auto first = std::ranges::find(lines, path);
        ASSERT_NE(first, lines.end());
        EXPECT_EQ(fake.requests()[static_cast<size_t>(first - lines.begin())]
                      .json()["Operations"][0]["op"],
                  "add");
    }
}

TEST_F(GroupExecutorTest, FailingGroupsTripTheBreakerSharedWithTheUsers) {
    fake.on_prefix("PATCH", "/Groups/", Reply::error(503, "down"));
    std::vector<GroupOperation> operations;
    for (int i = 0; i < 10; ++i)
        operations.push_back(change_group(GroupOperationKind::add_members, "k" + std::to_string(i),
                                          "g" + std::to_string(i), {"E1"}));
    auto outcomes = run_groups(std::move(operations));
    size_t not_sent = 0;
    for (const auto& outcome : outcomes)
        not_sent += outcome.not_sent ? 1 : 0;
    EXPECT_EQ(not_sent, 5U) << "5 transient in a row trip it";
    EXPECT_EQ(fake.count("PATCH", "/Groups/"), 5U * 4U);
    const auto results = tally(outcomes);
    EXPECT_EQ(results.not_sent, 5U);
    EXPECT_EQ(results.failed, 5U);
}

} // namespace
} // namespace hr2scim::apply::fixture
