// A target that takes userName and active only each in a PATCH of its own (AWS IAM Identity
// Center, PatchUser page): a change of both goes as two PATCHes, deactivation first, else
// the rest first and active last.
#include "tests/unit/apply/executor_fixture.hpp"

namespace hr2scim::apply::fixture {
namespace {

class IdentityPatchTest : public ::testing::Test {
  protected:
    IdentityPatchTest() {
        settings.bulk = false;
        settings.target.self_described = true;
    }

    Outcome run_one(state::Operation operation) {
        plan.operations = {std::move(operation)};
        Executor executor(client, sink, {{}, false}, settings);
        auto outcomes = executor.run(plan);
        EXPECT_EQ(outcomes.size(), 1U);
        if (outcomes.empty()) return Outcome{};
        outcomes.front().body = sink.body_recorded_for(outcomes.front().operation); // the state's
        return outcomes.front();
    }

    // The paths of each PATCH sent, in order.
    std::vector<std::vector<std::string>> patched_paths() {
        std::vector<std::vector<std::string>> sent;
        for (const auto& request : fake.requests()) {
            if (request.method != "PATCH") continue;
            std::vector<std::string> paths;
            const json body = request.json();
            for (const auto& operation : body["Operations"])
                paths.push_back(operation["path"]);
            sent.push_back(paths);
        }
        return sent;
    }

    FakeTransport fake;
    scim::ScimClient client{{"test", fake.base_url(), {}, scim::PatchStyle::rfc7644, true},
                            fake,
                            hr2scim::testing::retry_without_waiting()};
    RecordingSink sink;
    ExecutorSettings settings;
    state::Plan plan;
};

json renamed(bool active) {
    return with(with(ada(), "userName", "ada.new@example.com"), "active", active);
}

TEST_F(IdentityPatchTest, AReHireWithANewUserNameGetsTheNameFirstThenActive) {
    fake.on("PATCH", "/Users/u1",
            Reply::json(200, held(with(renamed(false), "title", "Lead"), "u1")), 1);
    fake.on("PATCH", "/Users/u1",
            Reply::json(200, held(with(renamed(true), "title", "Lead"), "u1")), 1);
    auto outcome = run_one(
        change_of(state::OperationKind::update, "E1", "u1", with(renamed(true), "title", "Lead"),
                  {{"active", json(false), json(true)},
                   {"title", json("Engineer"), json("Lead")},
                   {"userName", json("ada@example.com"), json("ada.new@example.com")}}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(patched_paths(),
              (std::vector<std::vector<std::string>>{{"title", "userName"}, {"active"}}));
    EXPECT_EQ(outcome.body["active"], true);
}

TEST_F(IdentityPatchTest, ALeaverRenamedIsDeactivatedFirst) {
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(with(ada(), "active", false), "u1")), 1);
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(renamed(false), "u1")), 1);
    auto outcome =
        run_one(change_of(state::OperationKind::deactivate, "E1", "u1", renamed(false),
                          {{"active", json(true), json(false)},
                           {"userName", json("ada@example.com"), json("ada.new@example.com")}}));
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(patched_paths(), (std::vector<std::vector<std::string>>{{"active"}, {"userName"}}));
}

TEST_F(IdentityPatchTest, ARefusedFirstPatchLeavesTheSecondUnsent) {
    fake.on("PATCH", "/Users/u1", Reply::error(400, "ValidationException"));
    auto outcome =
        run_one(change_of(state::OperationKind::deactivate, "E1", "u1", renamed(false),
                          {{"active", json(true), json(false)},
                           {"userName", json("ada@example.com"), json("ada.new@example.com")}}));
    EXPECT_NE(outcome.result, Result::done);
    EXPECT_EQ(patched_paths().size(), 1U);
}

TEST_F(IdentityPatchTest, ActiveWithoutAUserNameChangeIsOnePatch) {
    fake.on("PATCH", "/Users/u1", Reply::json(200, held(with(ada(), "active", false), "u1")));
    auto outcome = run_one(deactivate_ada());
    EXPECT_EQ(outcome.result, Result::done) << outcome.message;
    EXPECT_EQ(patched_paths(), (std::vector<std::vector<std::string>>{{"active"}}));
}

} // namespace
} // namespace hr2scim::apply::fixture
