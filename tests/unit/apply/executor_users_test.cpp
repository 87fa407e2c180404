// The user operations through a fake transport: each answer a target may give, the outcome it
// becomes, and exactly which requests were sent for it.

#include "tests/unit/apply/executor_fixture.hpp"

#include <map>

namespace hr2scim::apply::fixture {
namespace {

using Effect = Outcome::Effect;
using state::OperationKind;
using state::ResourceStatus;

Reply echo_put(const SentRequest& sent) {
    return Reply::json(200, sent.json());
}

// ---- create -------------------------------------------------------------------------------

TEST_F(ExecutorTest, ACreateIsJournaledThenPostedThenReadBackAndRecordedAsHeld) {
    bool journaled_before_post = false;
    fake.on_match(
        "POST /Users", [](const SentRequest& sent) { return sent.line() == "POST /Users"; },
        [&](const SentRequest&) {
            journaled_before_post = sink.journaled().size() == 1;
            return Reply::json(201, held(ada(), "u1"));
        });
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1"), {{"etag", "W/\"1\""}}));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_TRUE(journaled_before_post) << "an answer lost after the commit must not be a 2nd user";
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET /Users/u1"}));
    EXPECT_EQ(fake.requests()[0].json(), ada());
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.effect, Effect::save);
    EXPECT_EQ(outcome.scim_id, "u1");
    EXPECT_EQ(outcome.status, ResourceStatus::active);
    EXPECT_EQ(outcome.version, "W/\"1\"");
    EXPECT_EQ(outcome.body, ada());
    EXPECT_EQ(outcome.operation, &plan.operations[0]);
}

TEST_F(ExecutorTest, ACreateAnsweredWithOnlyALocationIsReadTwice) {
    // Today: the client reads the Location back, then the executor verifies the id it got.
    fake.on("POST", "/Users", Reply::empty(201, {{"location", fake.base_url() + "/Users/u1"}}));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET /Users/u1", "GET /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.scim_id, "u1");
}

TEST_F(ExecutorTest, ACreateAnsweredWithoutAUsableIdIsUnknownAndItsJournalStays) {
    fake.on("POST", "/Users", Reply::json(201, {{"userName", "ada@example.com"}}));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), Lines{"POST /Users"});
    EXPECT_EQ(outcome.result, Result::unknown);
    EXPECT_EQ(outcome.effect, Effect::none);
    EXPECT_NE(outcome.message.find("without a usable id"), std::string::npos) << outcome.message;
    EXPECT_EQ(sink.journaled().size(), 1U);
}

TEST_F(ExecutorTest, ACreatedIdThatReadsBackAsSomebodyElseIsAConflictAndNotRecorded) {
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(with(ada(), "externalId", "E9"), "u1")));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_EQ(outcome.effect, Effect::none);
    EXPECT_NE(outcome.message.find("externalId"), std::string::npos) << outcome.message;
}

TEST_F(ExecutorTest, ACreatedIdThatCannotBeReadBackIsUnknown) {
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::error(503, "busy"));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.count("POST", "/Users"), 1U);
    EXPECT_EQ(fake.count("GET", "/Users/u1"), 4U) << "a read is retried like any request";
    EXPECT_EQ(outcome.result, Result::unknown);
    EXPECT_EQ(outcome.effect, Effect::none);
    EXPECT_NE(outcome.message.find("reading back the created user u1 failed"), std::string::npos)
        << outcome.message;
}

class CreateRefused : public ExecutorTest, public ::testing::WithParamInterface<long> {};

TEST_P(CreateRefused, IsRefusedOnceAndForgetsTheJournal) {
    fake.on("POST", "/Users", Reply::error(GetParam(), "no"));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), Lines{"POST /Users"});
    EXPECT_EQ(outcome.result, Result::refused);
    EXPECT_EQ(outcome.effect, Effect::forget) << "a definite no: nothing was created";
    EXPECT_NE(outcome.message.find("HTTP " + std::to_string(GetParam())), std::string::npos)
        << outcome.message;
}

INSTANTIATE_TEST_SUITE_P(Statuses, CreateRefused, ::testing::Values(400L, 404L, 412L));

TEST_F(ExecutorTest, A401AbandonsTheTargetAndLaterOperationsAreNotSent) {
    // The update goes first (offboarding first: changes before creates) and meets the 401.
    fake.on("PATCH", "/Users/u3", Reply::error(401, "bad token"));
    auto outcomes = run({create_of("E1", ada(), 0), create_of("E2", bob(), 1),
                         change_of(OperationKind::update, "E3", "u3", bob(), {}, 2)});
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u3"});
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(outcomes[2].result, Result::target_unusable);
    EXPECT_EQ(outcomes[2].effect, Effect::none);
    for (size_t i : {0U, 1U}) {
        EXPECT_EQ(outcomes[i].result, Result::skipped);
        EXPECT_TRUE(outcomes[i].message.starts_with(
            "not sent: the target was abandoned (the target refused the credentials"))
            << outcomes[i].message;
    }
    ASSERT_TRUE(executor->abandoned());
    EXPECT_NE(executor->abandoned()->find("refused the credentials"), std::string::npos);
    EXPECT_TRUE(sink.journaled().empty()) << "the skipped creates were never journaled";
}

TEST_F(ExecutorTest, A409OnCreateAdoptsTheOneAccountHoldingTheExternalId) {
    const json theirs = held(with(ada(), "nickName", "Addy"), "u9");
    fake.on("POST", "/Users", Reply::error(409, "exists", "uniqueness"));
    fake.on("GET", look_up("externalId", "E1"), Reply::json(200, list_of({theirs})));
    fake.on("GET", "/Users/u9", Reply::json(200, theirs));
    fake.on_match(
        "PUT /Users/u9", [](const SentRequest& sent) { return sent.line() == "PUT /Users/u9"; },
        echo_put);
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET " + look_up("externalId", "E1"),
                                   "GET /Users/u9", "PUT /Users/u9"}));
    EXPECT_EQ(fake.requests()[3].json()["nickName"], "Addy")
        << "what hr2scim does not manage stays";
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.effect, Effect::save);
    EXPECT_EQ(outcome.scim_id, "u9");
    EXPECT_EQ(outcome.adoption, "took over the existing account u9, matched by externalId");
}

TEST_F(ExecutorTest, A409OnCreateWithNobodyFoundIsAConflictThatForgetsTheJournal) {
    fake.on("POST", "/Users", Reply::error(409, "exists", "uniqueness"));
    fake.on_prefix("GET", "/Users?filter=", Reply::json(200, list_of({})));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET " + look_up("externalId", "E1"),
                                   "GET " + look_up("userName", "ada%40example.com")}));
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_EQ(outcome.effect, Effect::forget);
}

TEST_F(ExecutorTest, A409OnCreateNeverAdoptsAnAccountAnotherKeyOwns) {
    fake.on("POST", "/Users", Reply::error(409, "exists", "uniqueness"));
    fake.on("GET", look_up("externalId", "E1"), Reply::json(200, list_of({held(ada(), "u9")})));
    auto outcome = run_one(create_of("E1", ada()), AccountOwners({{"u9", "E7"}}, false));
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET " + look_up("externalId", "E1")}));
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_EQ(outcome.effect, Effect::forget);
    EXPECT_NE(outcome.message.find("E7"), std::string::npos) << outcome.message;
}

TEST_F(ExecutorTest, A429OnCreateIsRetried) {
    fake.on("POST", "/Users", Reply::error(429, "slow down"), 1);
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "POST /Users", "GET /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
}

TEST_F(ExecutorTest, A5xxOnCreateAfterEveryAttemptIsTransientAndTheJournalStays) {
    fake.on("POST", "/Users", Reply::error(503, "busy"));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.count("POST", "/Users"), 4U);
    EXPECT_EQ(outcome.result, Result::transient);
    EXPECT_EQ(outcome.effect, Effect::none) << "the target may hold it: looked up next run";
    EXPECT_FALSE(executor->abandoned());
}

TEST_F(ExecutorTest, NoAnswerToACreateLeavesItJournaledAndAbandonsTheTarget) {
    fake.on("POST", "/Users", Reply::none("connection reset by peer"));
    auto outcomes = run({create_of("E1", ada(), 0), create_of("E2", bob(), 1)});
    // Today a POST without an answer is sent again (4 attempts), like any request.
    EXPECT_EQ(fake.count("POST", "/Users"), 4U);
    EXPECT_EQ(outcomes[0].result, Result::target_unusable);
    EXPECT_EQ(outcomes[0].effect, Effect::none);
    EXPECT_NE(outcomes[0].message.find("connection reset by peer"), std::string::npos)
        << outcomes[0].message;
    EXPECT_EQ(sink.journaled(), (std::vector<std::pair<std::string, json>>{{"E1", ada()}}));
    EXPECT_EQ(outcomes[1].result, Result::skipped);
    ASSERT_TRUE(executor->abandoned());
    EXPECT_NE(executor->abandoned()->find("did not answer"), std::string::npos);
}

TEST_F(ExecutorTest, NoAnswerOnceThenACreatedAnswerIsDone) {
    fake.on("POST", "/Users", Reply::none(), 1);
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "POST /Users", "GET /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
}

TEST_F(ExecutorTest, AnUnconfirmedCreateIsLookedUpAndAdoptedWithoutAPost) {
    fake.on("GET", look_up("externalId", "E1"), Reply::json(200, list_of({held(ada(), "u9")})));
    fake.on("GET", "/Users/u9", Reply::json(200, held(ada(), "u9")));
    fake.on_prefix("PUT", "/Users/u9", Reply::json(200, held(ada(), "u9")));
    auto operation = create_of("E1", ada());
    operation.resolve_first = true;
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.count("POST", "/Users"), 0U);
    EXPECT_EQ(fake.lines(),
              (Lines{"GET " + look_up("externalId", "E1"), "GET /Users/u9", "PUT /Users/u9"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.scim_id, "u9");
    EXPECT_FALSE(outcome.adoption.empty());
}

TEST_F(ExecutorTest, AnUnconfirmedCreateFoundNowhereIsPosted) {
    fake.on_prefix("GET", "/Users?filter=", Reply::json(200, list_of({})));
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    auto operation = create_of("E1", ada());
    operation.resolve_first = true;
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.lines(), (Lines{"GET " + look_up("externalId", "E1"),
                                   "GET " + look_up("userName", "ada%40example.com"), "POST /Users",
                                   "GET /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
}

TEST_F(ExecutorTest, CreatesRunConcurrentlyEachVerifiedOnce) {
    std::mutex mutex;
    std::map<std::string, json> made;
    fake.on_match(
        "POST /Users", [](const SentRequest& sent) { return sent.line() == "POST /Users"; },
        [&](const SentRequest& sent) {
            auto body = sent.json();
            const std::string id = "u-" + body["externalId"].get<std::string>();
            std::lock_guard lock(mutex);
            made[id] = held(body, id);
            return Reply::json(201, made[id]);
        });
    fake.on_match(
        "GET /Users/u-*",
        [](const SentRequest& sent) { return sent.path.starts_with("/Users/u-"); },
        [&](const SentRequest& sent) {
            std::lock_guard lock(mutex);
            return Reply::json(200, made.at(sent.path.substr(7)));
        });
    settings.concurrency = 4;
    std::vector<state::Operation> operations;
    for (size_t i = 0; i < 12; ++i)
        operations.push_back(create_of("K" + std::to_string(i),
                                       with(with(ada(), "externalId", "K" + std::to_string(i)),
                                            "userName", "user" + std::to_string(i)),
                                       i));
    auto outcomes = run(operations);
    for (size_t i = 0; i < outcomes.size(); ++i) {
        EXPECT_EQ(outcomes[i].result, Result::done) << outcomes[i].message;
        EXPECT_EQ(outcomes[i].scim_id, "u-K" + std::to_string(i)) << "outcomes in plan order";
    }
    EXPECT_EQ(fake.count("POST", "/Users"), 12U);
    EXPECT_EQ(fake.count("GET", "/Users/u-"), 12U);
}

TEST_F(ExecutorTest, TheBreakerStopsSendingAfterFiveBusyFailuresInARow) {
    fake.on("POST", "/Users", Reply::error(503, "busy"));
    std::vector<state::Operation> operations;
    for (size_t i = 0; i < 7; ++i)
        operations.push_back(create_of("K" + std::to_string(i),
                                       with(ada(), "externalId", "K" + std::to_string(i)), i));
    auto outcomes = run(operations);
    EXPECT_EQ(fake.count("POST", "/Users"), 5U * 4U);
    EXPECT_EQ(outcomes[4].result, Result::transient);
    EXPECT_EQ(outcomes[5].result, Result::skipped);
    EXPECT_EQ(outcomes[6].result, Result::skipped);
    ASSERT_TRUE(executor->abandoned());
    EXPECT_NE(executor->abandoned()->find("5 operations in a row"), std::string::npos);
}

// ---- update -------------------------------------------------------------------------------

TEST_F(ExecutorTest, AnUpdateIsOnePatchCheckedAgainstTheAnswer) {
    fake.on("PATCH", "/Users/u1",
            Reply::json(200, held(with(ada(), "title", "Lead"), "u1", "W/\"2\"")));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"});
    const auto sent = fake.requests()[0].json();
    EXPECT_EQ(sent["schemas"][0], std::string(scim::k_patch_op_message));
    EXPECT_EQ(sent["Operations"],
              json::array({{{"op", "replace"}, {"path", "title"}, {"value", "Lead"}}}));
    EXPECT_EQ(fake.requests()[0].header("If-Match"), std::nullopt);
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.effect, Effect::save);
    EXPECT_EQ(outcome.scim_id, "u1");
    EXPECT_EQ(outcome.body, with(ada(), "title", "Lead"));
    EXPECT_EQ(outcome.version, "W/\"2\"");
}

TEST_F(ExecutorTest, AnUpdateAnswered204IsReadBack) {
    fake.on("PATCH", "/Users/u1", Reply::empty(204));
    fake.on("GET", "/Users/u1", Reply::json(200, held(with(ada(), "title", "Lead"), "u1")));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), (Lines{"PATCH /Users/u1", "GET /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.effect, Effect::save);
}

TEST_F(ExecutorTest, AnUpdateTheTargetDidNotTakeIsRecordedAsItHoldsIt) {
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"});
    EXPECT_EQ(outcome.result, Result::not_taken);
    EXPECT_EQ(outcome.effect, Effect::save);
    EXPECT_EQ(outcome.body["title"], "Engineer") << "what the target holds, never what was sent";
}

TEST_F(ExecutorTest, AnAttributeTheTargetDropsIsLearntAndLeftOutOfTheRecord) {
    json without_title = ada();
    without_title.erase("title");
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(without_title, "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(without_title, "u1")));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), (Lines{"PATCH /Users/u1", "GET /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_FALSE(outcome.body.contains("title"));
    EXPECT_TRUE(executor->learnt().unkept.contains("title"));
}

TEST_F(ExecutorTest, An404OnUpdateCreatesTheUserAgain) {
    fake.on("PATCH", "/Users/u1", Reply::error(404, "no such user"));
    fake.on("POST", "/Users", Reply::json(201, held(with(ada(), "title", "Lead"), "u5")));
    fake.on("GET", "/Users/u5", Reply::json(200, held(with(ada(), "title", "Lead"), "u5")));
    auto outcome = run_one(promote_ada(), AccountOwners({{"u1", "E1"}}, false));
    EXPECT_EQ(fake.lines(), (Lines{"PATCH /Users/u1", "POST /Users", "GET /Users/u5"}));
    EXPECT_EQ(fake.requests()[1].json(), with(ada(), "title", "Lead"));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_TRUE(outcome.recreated);
    EXPECT_EQ(outcome.scim_id, "u5");
    EXPECT_EQ(outcome.operation, &plan.operations[0]);
    EXPECT_EQ(sink.journaled().size(), 1U);
}

TEST_F(ExecutorTest, A409OnUpdateIsAConflict) {
    fake.on("PATCH", "/Users/u1", Reply::error(409, "taken", "uniqueness"));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"});
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_EQ(outcome.effect, Effect::none);
}

TEST_F(ExecutorTest, A400OnUpdateOfATargetThatDescribesItselfIsRefused) {
    fake.on("PATCH", "/Users/u1", Reply::error(400, "bad value", "invalidValue"));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"});
    EXPECT_EQ(outcome.result, Result::refused);
    EXPECT_EQ(outcome.effect, Effect::none);
    EXPECT_TRUE(executor->learnt().patch_refused.empty());
}

class FirstPatchRefused : public ExecutorTest, public ::testing::WithParamInterface<long> {};

TEST_P(FirstPatchRefused, OnATargetThatDoesNotDescribeItselfTurnsEveryChangeIntoPut) {
    settings.target.self_described = false;
    fake.on_prefix("PATCH", "/Users/", Reply::error(GetParam(), "no PATCH here"));
    fake.on("GET", "/Users/u1", Reply::json(200, held(with(ada(), "nickName", "Addy"), "u1")));
    fake.on("GET", "/Users/u2", Reply::json(200, held(bob(), "u2")));
    fake.on_match(
        "PUT echo", [](const SentRequest& sent) { return sent.method == "PUT"; }, echo_put);
    auto outcomes = run(
        {promote_ada(0), change_of(OperationKind::update, "E2", "u2", with(bob(), "title", "Lead"),
                                   {{"title", json("Analyst"), json("Lead")}}, 1)});
    EXPECT_EQ(fake.lines(), (Lines{"PATCH /Users/u1", "GET /Users/u1", "PUT /Users/u1",
                                   "GET /Users/u2", "PUT /Users/u2"}))
        << "the first PATCH is a probe, sent once; after it, PUT only";
    EXPECT_EQ(fake.requests()[2].json()["nickName"], "Addy");
    EXPECT_EQ(fake.requests()[2].json()["title"], "Lead");
    EXPECT_EQ(outcomes[0].result, Result::done) << outcomes[0].message;
    EXPECT_EQ(outcomes[1].result, Result::done) << outcomes[1].message;
    EXPECT_FALSE(executor->learnt().patch_refused.empty());
}

INSTANTIATE_TEST_SUITE_P(Statuses, FirstPatchRefused, ::testing::Values(400L, 405L, 500L));

TEST_F(ExecutorTest, A412WithIfMatchReadsTheUserAgainAndSendsOnceMore) {
    settings.target.etag = true;
    auto operation = promote_ada();
    operation.set_version("W/\"1\"");
    fake.on("PATCH", "/Users/u1", Reply::error(412, "changed"), 1);
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1", "W/\"2\"")));
    fake.on("PATCH", "/Users/u1",
            Reply::json(200, held(with(ada(), "title", "Lead"), "u1", "W/\"3\"")));
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.lines(), (Lines{"PATCH /Users/u1", "GET /Users/u1", "PATCH /Users/u1"}));
    EXPECT_EQ(fake.requests()[0].header("If-Match"), "W/\"1\"");
    EXPECT_EQ(fake.requests()[2].header("If-Match"), "W/\"2\"");
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.version, "W/\"3\"");
}

TEST_F(ExecutorTest, A412AgainAfterReadingIsRefused) {
    settings.target.etag = true;
    auto operation = promote_ada();
    operation.set_version("W/\"1\"");
    fake.on("PATCH", "/Users/u1", Reply::error(412, "changed"));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1", "W/\"2\"")));
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.lines(), (Lines{"PATCH /Users/u1", "GET /Users/u1", "PATCH /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::refused);
    EXPECT_EQ(outcome.effect, Effect::none);
}

TEST_F(ExecutorTest, AVersionIsNotSentToATargetWithoutETags) {
    auto operation = promote_ada();
    operation.set_version("W/\"1\"");
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(with(ada(), "title", "Lead"), "u1")));
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.requests()[0].header("If-Match"), std::nullopt);
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
}

TEST_F(ExecutorTest, A429OnUpdateIsRetried) {
    fake.on("PATCH", "/Users/u1", Reply::error(429, "slow down"), 1);
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(with(ada(), "title", "Lead"), "u1")));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), (Lines{"PATCH /Users/u1", "PATCH /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
}

TEST_F(ExecutorTest, A429ToTheFirstPatchOfAnUndescribedTargetIsNotRetriedWithoutAWait) {
    settings.target.self_described = false;
    fake.on("PATCH", "/Users/u1", Reply::error(429, "slow down"));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"}) << "a probe is sent once";
    EXPECT_EQ(outcome.result, Result::transient);
    EXPECT_TRUE(executor->learnt().patch_refused.empty()) << "busy is not a refusal of PATCH";
}

TEST_F(ExecutorTest, A5xxOnUpdateAfterEveryAttemptIsTransient) {
    fake.on("PATCH", "/Users/u1", Reply::error(500, "oops"));
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.count("PATCH", "/Users/u1"), 4U);
    EXPECT_EQ(outcome.result, Result::transient);
    EXPECT_EQ(outcome.effect, Effect::none);
}

TEST_F(ExecutorTest, A401OnUpdateAbandonsTheTarget) {
    fake.on("PATCH", "/Users/u1", Reply::error(401, "expired"));
    auto outcomes = run({promote_ada(0), delete_ada(1)});
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"});
    EXPECT_EQ(outcomes[0].result, Result::target_unusable);
    EXPECT_EQ(outcomes[1].result, Result::skipped);
}

TEST_F(ExecutorTest, NoAnswerToAnUpdateIsTargetUnusable) {
    fake.on("PATCH", "/Users/u1", Reply::none());
    auto outcome = run_one(promote_ada());
    EXPECT_EQ(fake.count("PATCH", "/Users/u1"), 4U);
    EXPECT_EQ(outcome.result, Result::target_unusable);
    EXPECT_EQ(outcome.effect, Effect::none);
}

// ---- deactivate ---------------------------------------------------------------------------

TEST_F(ExecutorTest, ADeactivationPatchesActiveAndRecordsTheUserAsDeactivated) {
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(with(ada(), "active", false), "u1")));
    auto outcome = run_one(deactivate_ada());
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"});
    EXPECT_EQ(fake.requests()[0].json()["Operations"],
              json::array({{{"op", "replace"}, {"path", "active"}, {"value", false}}}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.effect, Effect::save);
    EXPECT_EQ(outcome.status, ResourceStatus::deactivated);
}

TEST_F(ExecutorTest, ADeactivationOfAUserAlreadyGoneForgetsThem) {
    fake.on("PATCH", "/Users/u1", Reply::error(404, "gone"));
    auto outcome = run_one(deactivate_ada());
    EXPECT_EQ(fake.lines(), Lines{"PATCH /Users/u1"});
    EXPECT_EQ(outcome.result, Result::done);
    EXPECT_EQ(outcome.effect, Effect::forget);
}

TEST_F(ExecutorTest, ADeactivationOfAnUnconfirmedCreateNobodyHoldsSendsNothing) {
    fake.on_prefix("GET", "/Users?filter=", Reply::json(200, list_of({})));
    auto operation = deactivate_ada();
    operation.scim_id.clear();
    operation.resolve_first = true;
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.lines(), (Lines{"GET " + look_up("externalId", "E1"),
                                   "GET " + look_up("userName", "ada%40example.com")}));
    EXPECT_EQ(outcome.result, Result::done);
    EXPECT_EQ(outcome.effect, Effect::forget);
}

TEST_F(ExecutorTest, ADeactivationOfAnUnconfirmedCreateFoundPatchesTheAccountFound) {
    fake.on("GET", look_up("externalId", "E1"), Reply::json(200, list_of({held(ada(), "u9")})));
    fake.on("PATCH", "/Users/u9", Reply::json(200, held(with(ada(), "active", false), "u9")));
    auto operation = deactivate_ada();
    operation.scim_id.clear();
    operation.resolve_first = true;
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.lines(), (Lines{"GET " + look_up("externalId", "E1"), "PATCH /Users/u9"}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(outcome.scim_id, "u9");
    EXPECT_EQ(outcome.status, ResourceStatus::deactivated);
}

TEST_F(ExecutorTest, ADeactivationTheTargetIsTooBusyForKeepsTheUserAsRecorded) {
    fake.on("PATCH", "/Users/u1", Reply::error(503, "busy"));
    auto outcome = run_one(deactivate_ada());
    EXPECT_EQ(fake.count("PATCH", "/Users/u1"), 4U);
    EXPECT_EQ(outcome.result, Result::transient);
    EXPECT_EQ(outcome.effect, Effect::none);
}

// ---- delete -------------------------------------------------------------------------------

TEST_F(ExecutorTest, ADeleteForgetsTheUser) {
    fake.on("DELETE", "/Users/u1", Reply::empty(204));
    auto outcome = run_one(delete_ada());
    EXPECT_EQ(fake.lines(), Lines{"DELETE /Users/u1"});
    EXPECT_EQ(outcome.result, Result::done);
    EXPECT_EQ(outcome.effect, Effect::forget);
    EXPECT_EQ(outcome.scim_id, "u1");
}

TEST_F(ExecutorTest, ADeleteOfAUserAlreadyGoneIsDone) {
    fake.on("DELETE", "/Users/u1", Reply::error(404, "gone"));
    auto outcome = run_one(delete_ada());
    EXPECT_EQ(fake.lines(), Lines{"DELETE /Users/u1"});
    EXPECT_EQ(outcome.result, Result::done);
    EXPECT_EQ(outcome.effect, Effect::forget);
}

TEST_F(ExecutorTest, A412OnDeleteReadsTheUserAgainAndDeletesOnceMore) {
    settings.target.etag = true;
    auto operation = delete_ada();
    operation.set_version("W/\"1\"");
    fake.on("DELETE", "/Users/u1", Reply::error(412, "changed"), 1);
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1", "W/\"2\"")));
    fake.on("DELETE", "/Users/u1", Reply::empty(204));
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.lines(), (Lines{"DELETE /Users/u1", "GET /Users/u1", "DELETE /Users/u1"}));
    EXPECT_EQ(fake.requests()[0].header("If-Match"), "W/\"1\"");
    EXPECT_EQ(fake.requests()[2].header("If-Match"), "W/\"2\"");
    EXPECT_EQ(outcome.result, Result::done);
    EXPECT_EQ(outcome.effect, Effect::forget);
}

TEST_F(ExecutorTest, A409OnDeleteIsAConflictAndTheUserStaysRecorded) {
    fake.on("DELETE", "/Users/u1", Reply::error(409, "still in use"));
    auto outcome = run_one(delete_ada());
    EXPECT_EQ(fake.lines(), Lines{"DELETE /Users/u1"});
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_EQ(outcome.effect, Effect::none);
}

TEST_F(ExecutorTest, NoAnswerToADeleteIsTargetUnusable) {
    fake.on("DELETE", "/Users/u1", Reply::none());
    auto outcome = run_one(delete_ada());
    EXPECT_EQ(fake.count("DELETE", "/Users/u1"), 4U);
    EXPECT_EQ(outcome.result, Result::target_unusable);
    EXPECT_EQ(outcome.effect, Effect::none);
}

// ---- link manager -------------------------------------------------------------------------

state::Operation link_bob_to_ada(size_t id, std::vector<size_t> depends_on) {
    auto operation = change_of(OperationKind::link_manager, "E2", "u2", bob(), {}, id);
    operation.manager_key = "E1";
    for (size_t dependency : depends_on)
        operation.depends_on.push_back(dependency);
    return operation;
}

json managed_by(json body, const std::string& manager_id) {
    body[std::string(scim::k_enterprise_user_schema)]["manager"] = {{"value", manager_id}};
    body["schemas"].push_back(scim::k_enterprise_user_schema);
    return body;
}

TEST_F(ExecutorTest, AManagerLinkSetsTheIdOfTheManagerCreatedInThisRun) {
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    fake.on("PATCH", "/Users/u2", Reply::json(200, held(managed_by(bob(), "u1"), "u2")));
    auto outcomes = run({create_of("E1", ada(), 0), link_bob_to_ada(1, {0})});
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET /Users/u1", "PATCH /Users/u2"}));
    EXPECT_EQ(fake.requests()[2].json()["Operations"],
              json::array({{{"op", "replace"},
                            {"path", std::string(scim::k_enterprise_user_schema) + ":manager"},
                            {"value", {{"value", "u1"}}}}}));
    EXPECT_EQ(outcomes[1].result, Result::done) << outcomes[1].message;
    EXPECT_EQ(outcomes[1].effect, Effect::save);
    EXPECT_EQ(outcomes[1].scim_id, "u2");
    EXPECT_EQ(outcomes[1].body, managed_by(bob(), "u1"));
}

TEST_F(ExecutorTest, AManagerLinkAnswered204IsReadBack) {
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    fake.on("PATCH", "/Users/u2", Reply::empty(204));
    fake.on("GET", "/Users/u2", Reply::json(200, held(managed_by(bob(), "u1"), "u2")));
    auto outcomes = run({create_of("E1", ada(), 0), link_bob_to_ada(1, {0})});
    EXPECT_EQ(fake.lines(),
              (Lines{"POST /Users", "GET /Users/u1", "PATCH /Users/u2", "GET /Users/u2"}));
    EXPECT_EQ(outcomes[1].result, Result::done) << outcomes[1].message;
}

TEST_F(ExecutorTest, AManagerLinkWaitsWhenTheManagersCreateFailed) {
    fake.on("POST", "/Users", Reply::error(400, "bad"));
    auto outcomes = run({create_of("E1", ada(), 0), link_bob_to_ada(1, {0})});
    EXPECT_EQ(fake.lines(), Lines{"POST /Users"});
    EXPECT_EQ(outcomes[1].result, Result::skipped);
    EXPECT_NE(outcomes[1].message.find("waits for a later run"), std::string::npos);
}

TEST_F(ExecutorTest, AManagerLinkWithoutTheManagerCreatedSendsNothing) {
    auto outcome = run_one(link_bob_to_ada(0, {}));
    EXPECT_EQ(fake.lines(), Lines{});
    EXPECT_EQ(outcome.result, Result::skipped);
    EXPECT_NE(outcome.message.find("the manager E1 was not created"), std::string::npos)
        << outcome.message;
}

TEST_F(ExecutorTest, AManagerLinkToAReportGoneFromTheTargetIsRefusedNotRecreated) {
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    fake.on("PATCH", "/Users/u2", Reply::error(404, "gone"));
    auto outcomes = run({create_of("E1", ada(), 0), link_bob_to_ada(1, {0})});
    EXPECT_EQ(fake.lines(), (Lines{"POST /Users", "GET /Users/u1", "PATCH /Users/u2"}));
    EXPECT_EQ(outcomes[1].result, Result::refused);
    EXPECT_EQ(outcomes[1].effect, Effect::none);
}

TEST_F(ExecutorTest, AManagerLinkTheTargetIsTooBusyForIsTransient) {
    fake.on("POST", "/Users", Reply::json(201, held(ada(), "u1")));
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    fake.on("PATCH", "/Users/u2", Reply::error(429, "later"));
    auto outcomes = run({create_of("E1", ada(), 0), link_bob_to_ada(1, {0})});
    EXPECT_EQ(fake.count("PATCH", "/Users/u2"), 4U);
    EXPECT_EQ(outcomes[1].result, Result::transient);
}

} // namespace
} // namespace hr2scim::apply::fixture
