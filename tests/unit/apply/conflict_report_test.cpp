// A create refused with 409 that no look-up matches to an account: a refused create that says
// what the target named, or that it named nobody (GitHub's normalised usernames, Atlassian's
// deleted accounts, Salesforce's missing profile); never a take-over. A 409 answering a change
// of an existing user names the value set that collided.
#include "tests/unit/apply/executor_fixture.hpp"

namespace hr2scim::apply::fixture {
namespace {

using Effect = Outcome::Effect;
using state::OperationKind;

TEST_F(ExecutorTest, A409NamingNobodyWhomTheLookUpCannotFindIsNotTakenAsAnExistingAccount) {
    fake.on("POST", "/Users", Reply::error(409, "Duplicate record detected"));
    fake.on_prefix("GET", "/Users?filter=", Reply::json(200, list_of({})));
    auto outcome = run_one(create_of("E1", ada()));
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_NE(outcome.message.find("the target refuses the create (HTTP 409: Duplicate record "
                                   "detected)"),
              std::string::npos)
        << outcome.message;
    EXPECT_EQ(outcome.message.find("as taken"), std::string::npos) << outcome.message;
    EXPECT_NE(outcome.message.find("its answer names none of this person's values, so it is not "
                                   "taken as an existing account"),
              std::string::npos)
        << outcome.message;
    EXPECT_EQ(outcome.effect, Effect::forget) << "not journaled: created again next run";
    EXPECT_EQ(fake.count("POST", "/Users"), 1U) << "not sent again";
}

TEST_F(ExecutorTest, A409NamingTheUserNameSaysSo) {
    // (Another test registers "example" as a secret: answers are redacted before they are read.)
    fake.on("POST", "/Users", Reply::error(409, "userName ada@lovelace.org is already taken"));
    fake.on_prefix("GET", "/Users?filter=", Reply::json(200, list_of({})));
    auto outcome = run_one(create_of("E1", with(ada(), "userName", "ada@lovelace.org")));
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_NE(outcome.message.find("names the account taken by userName ada@lovelace.org"),
              std::string::npos)
        << outcome.message;
}

// Ada's userName changes to one another account holds: the PATCH is refused with 409.
state::Operation rename_ada() {
    return change_of(OperationKind::update, "E1", "u1", with(ada(), "userName", "a.l@lovelace.org"),
                     {{"userName", json("ada@example.com"), json("a.l@lovelace.org")}});
}

TEST_F(ExecutorTest, A409OnAChangeNamesTheValueSetAndWhatTheTargetSaid) {
    fake.on("PATCH", "/Users/u1",
            Reply::error(409, "userName a.l@lovelace.org is already taken", "uniqueness"));
    auto outcome = run_one(rename_ada());
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_EQ(outcome.effect, Effect::none) << "the user keeps its record: the change is planned "
                                               "again";
    EXPECT_NE(outcome.message.find("the target refused changing userName to a.l@lovelace.org "
                                   "(HTTP 409 uniqueness: userName a.l@lovelace.org is already "
                                   "taken); another account holds the value"),
              std::string::npos)
        << outcome.message;
    EXPECT_NE(outcome.message.find("the change is sent again next run"), std::string::npos);
}

TEST_F(ExecutorTest, A409OnAPutThatNamesNoValueListsTheValuesSet) {
    settings.target.patch = false;
    fake.on("GET", "/Users/u1", Reply::json(200, held(ada(), "u1")));
    fake.on("PUT", "/Users/u1", Reply::error(409, "Duplicate record detected"));
    auto operation = rename_ada();
    operation.changes.push_back(
        {"emails", std::nullopt, json::array({{{"value", "a.l@lovelace.org"}, {"type", "work"}}})});
    auto outcome = run_one(operation);
    EXPECT_EQ(fake.lines(), (Lines{"GET /Users/u1", "PUT /Users/u1"}));
    EXPECT_EQ(outcome.result, Result::conflict);
    EXPECT_NE(outcome.message.find("the target refused the change (it sets userName to "
                                   "a.l@lovelace.org, emails to a.l@lovelace.org; its answer names "
                                   "none of them) (HTTP 409: Duplicate record detected)"),
              std::string::npos)
        << outcome.message;
}

// (Bulk carries two or more operations: Bob's title goes beside Ada's rename.)
TEST_F(ExecutorTest, A409OnAChangeInABulkRequestNamesTheValueSetToo) {
    settings.bulk = true;
    settings.target.bulk = true;
    settings.target.bulk_max_operations = 10;
    settings.target.bulk_max_payload = 1 << 20;
    const json refused = {
        {"method", "PATCH"},
        {"location", fake.base_url() + "/Users/u1"},
        {"status", "409"},
        {"response",
         {{"scimType", "uniqueness"}, {"detail", "userName a.l@lovelace.org is already taken"}}}};
    const json done = {{"method", "PATCH"},
                       {"location", fake.base_url() + "/Users/u2"},
                       {"status", "200"},
                       {"response", held(with(bob(), "title", "Lead"), "u2")}};
    fake.on("POST", "/Bulk",
            Reply::json(200, {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:BulkResponse"}},
                              {"Operations", {refused, done}}}));
    auto outcomes = run(
        {rename_ada(), change_of(OperationKind::update, "E2", "u2", with(bob(), "title", "Lead"),
                                 {{"title", json("Analyst"), json("Lead")}}, 1)});
    EXPECT_EQ(fake.lines(), Lines{"POST /Bulk"}) << "not sent again on its own";
    ASSERT_EQ(outcomes.size(), 2U);
    const auto& ada = outcomes[0].operation->key == "E1" ? outcomes[0] : outcomes[1];
    EXPECT_EQ(ada.result, Result::conflict);
    EXPECT_NE(
        ada.message.find("in a Bulk request: the target refused changing userName to "
                         "a.l@lovelace.org (HTTP 409 uniqueness: userName a.l@lovelace.org is "
                         "already taken)"),
        std::string::npos)
        << ada.message;
}

} // namespace
} // namespace hr2scim::apply::fixture
