#pragma once
// A real Executor over a real ScimClient over a FakeTransport, with a sink that keeps what it
// is handed: the executor's unit tests assert on the requests sent and the outcomes returned.

#include "apply/executor.hpp"
#include "scim/schema.hpp"
#include "tests/support/fake_transport.hpp"

#include <gtest/gtest.h>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::apply::fixture {

using hr2scim::testing::FakeTransport;
using hr2scim::testing::Reply;
using hr2scim::testing::SentRequest;
using nlohmann::json;

class RecordingSink final : public OutcomeSink {
  public:
    void journal_create(const state::Operation& operation, const json& body) override {
        std::lock_guard lock(m_mutex);
        m_journaled.emplace_back(operation.key, body);
    }
    void record(const Outcome& outcome) override {
        std::lock_guard lock(m_mutex);
        m_recorded.push_back(outcome);
    }
    void journal_group_create(const state::GroupOperation& operation,
                              const state::StoredGroup& group) override {
        std::lock_guard lock(m_mutex);
        m_group_journal.push_back("create " + operation.key + " id=" + group.scim_id);
    }
    void journal_group_members(const state::GroupOperation& operation,
                               const std::vector<std::string>& keys,
                               const std::vector<std::string>& ids) override {
        std::lock_guard lock(m_mutex);
        std::string line = "members " + operation.key;
        for (size_t at = 0; at < keys.size(); ++at)
            line += " " + keys[at] + "=" + ids.at(at);
        m_group_journal.push_back(line);
    }
    void record_group(const GroupOutcome& outcome) override {
        std::lock_guard lock(m_mutex);
        m_group_recorded.push_back(outcome);
    }
    // "create <key> id=", "members <key> E1=u-1 ...": what was journaled before sending.
    [[nodiscard]] std::vector<std::string> group_journal() const {
        std::lock_guard lock(m_mutex);
        return m_group_journal;
    }
    // The body the state got for an operation (the executor lets the outcome's go once
    // recorded); null when none was recorded.
    [[nodiscard]] json body_recorded_for(const state::Operation* operation) const {
        std::lock_guard lock(m_mutex);
        for (auto at = m_recorded.rbegin(); at != m_recorded.rend(); ++at)
            if (at->operation == operation) return at->body;
        return nullptr;
    }
    [[nodiscard]] size_t groups_recorded() const {
        std::lock_guard lock(m_mutex);
        return m_group_recorded.size();
    }
    [[nodiscard]] std::vector<std::pair<std::string, json>> journaled() const {
        std::lock_guard lock(m_mutex);
        return m_journaled;
    }
    [[nodiscard]] size_t recorded() const {
        std::lock_guard lock(m_mutex);
        return m_recorded.size();
    }

  private:
    mutable std::mutex m_mutex;
    std::vector<std::pair<std::string, json>> m_journaled;
    std::vector<Outcome> m_recorded;
    std::vector<std::string> m_group_journal;
    std::vector<GroupOutcome> m_group_recorded;
};

// Ada as the source wants her on the target.
inline json ada() {
    return {{"schemas", {std::string(scim::k_user_schema)}},
            {"userName", "ada@example.com"},
            {"externalId", "E1"},
            {"title", "Engineer"},
            {"active", true}};
}

inline json bob() {
    return {{"schemas", {std::string(scim::k_user_schema)}},
            {"userName", "bob@example.com"},
            {"externalId", "E2"},
            {"title", "Analyst"},
            {"active", true}};
}

// What the target holds: the body under an id, with a version when given.
inline json held(json body, const std::string& id, const std::string& version = {}) {
    body["id"] = id;
    if (!version.empty()) body["meta"] = {{"version", version}};
    return body;
}

inline json with(json body, const std::string& attribute, json value) {
    body[attribute] = std::move(value);
    return body;
}

inline json list_of(std::vector<json> resources) {
    return {{"schemas", {std::string(scim::k_list_response_message)}},
            {"totalResults", resources.size()},
            {"Resources", std::move(resources)}};
}

inline state::Operation create_of(const std::string& key, json body, size_t id = 0) {
    state::Operation operation;
    operation.kind = state::OperationKind::create;
    operation.key = key;
    operation.body = std::move(body);
    operation.id = id;
    return operation;
}

inline state::Operation change_of(state::OperationKind kind, const std::string& key,
                                  const std::string& scim_id, json body,
                                  std::vector<scim::AttributeChange> changes, size_t id = 0) {
    state::Operation operation;
    operation.kind = kind;
    operation.key = key;
    operation.scim_id = scim_id;
    operation.body = std::move(body);
    operation.changes = std::move(changes);
    operation.id = id;
    return operation;
}

// Ada's title changes from Engineer to Lead.
inline state::Operation promote_ada(size_t id = 0) {
    return change_of(state::OperationKind::update, "E1", "u1", with(ada(), "title", "Lead"),
                     {{"title", json("Engineer"), json("Lead")}}, id);
}

inline state::Operation deactivate_ada(size_t id = 0) {
    return change_of(state::OperationKind::deactivate, "E1", "u1", with(ada(), "active", false),
                     {{"active", json(true), json(false)}}, id);
}

inline state::Operation delete_ada(size_t id = 0) {
    return change_of(state::OperationKind::remove, "E1", "u1", with(ada(), "active", false), {},
                     id);
}

// A look-up by filter: "/Users?filter=externalId%20eq%20%22E1%22&count=10".
inline std::string look_up(const std::string& attribute, const std::string& value) {
    return "/Users?filter=" + attribute + "%20eq%20%22" + value + "%22&count=10";
}

class ExecutorTest : public ::testing::Test {
  protected:
    ExecutorTest() {
        settings.bulk = false;
        settings.target.self_described = true; // its word on PATCH stands: no probing
    }

    void TearDown() override {
        EXPECT_EQ(fake.unanswered(), std::vector<std::string>{})
            << "requests the test did not script";
    }

    std::vector<Outcome> run(std::vector<state::Operation> operations,
                             AccountOwners owners = {{}, false}) {
        plan.operations = std::move(operations);
        executor.emplace(client, sink, std::move(owners), settings);
        auto outcomes = executor->run(plan);
        EXPECT_EQ(sink.recorded(), outcomes.size()) << "every outcome reaches the sink";
        // Recorded, an outcome's body is let go of: what the tests read is what the state got.
        for (auto& outcome : outcomes) {
            EXPECT_TRUE(outcome.body.is_null()) << "held after it was recorded";
            outcome.body = sink.body_recorded_for(outcome.operation);
        }
        return outcomes;
    }

    Outcome run_one(state::Operation operation, AccountOwners owners = {{}, false}) {
        auto outcomes = run({std::move(operation)}, std::move(owners));
        EXPECT_EQ(outcomes.size(), 1U);
        return outcomes.empty() ? Outcome{} : outcomes.front();
    }

    using Lines = std::vector<std::string>;

    FakeTransport fake;
    scim::ScimClient client{{"test", fake.base_url(), {}, scim::PatchStyle::rfc7644},
                            fake,
                            hr2scim::testing::retry_without_waiting()};
    RecordingSink sink;
    ExecutorSettings settings;
    state::Plan plan;
    std::optional<Executor> executor;
};

} // namespace hr2scim::apply::fixture
