// A create refused with 409 that no look-up matches to an account: a refused create that says
// what the target named, or that it named nobody (GitHub's normalised usernames, Atlassian's
// deleted accounts, Salesforce's missing profile); never a take-over.
#include "tests/unit/apply/executor_fixture.hpp"

namespace hr2scim::apply::fixture {
namespace {

using Effect = Outcome::Effect;

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

} // namespace
} // namespace hr2scim::apply::fixture
