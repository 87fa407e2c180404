// The recorder is the one writer of outcomes: each lands as the resource row and its audit
// entry in one transaction, read back here through the state store and the audit reader.

#include "apply/recorder.hpp"
#include "scim/schema.hpp"
#include "state/audit.hpp"
#include "state/sqlite.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::apply {
namespace {

using nlohmann::json;
using state::OperationKind;
using state::ResourceStatus;
using Effect = Outcome::Effect;

constexpr auto k_now = std::chrono::sys_seconds(std::chrono::seconds(1'780'000'000));

json ada() {
    return {{"schemas", {std::string(scim::k_user_schema)}},
            {"userName", "ada@example.com"},
            {"externalId", "E1"},
            {"title", "Engineer"}};
}

state::Operation operation_of(OperationKind kind, std::vector<scim::AttributeChange> changes = {}) {
    state::Operation operation;
    operation.kind = kind;
    operation.key = "E1";
    operation.scim_id = kind == OperationKind::create ? "" : "u1";
    operation.body = ada();
    operation.changes = std::move(changes);
    return operation;
}

Outcome outcome_of(const state::Operation& operation, Result result, Effect effect) {
    Outcome outcome;
    outcome.operation = &operation;
    outcome.result = result;
    outcome.effect = effect;
    outcome.scim_id = "u1";
    outcome.body = operation.body;
    return outcome;
}

class RecorderTest : public ::testing::Test {
  protected:
    [[nodiscard]] std::vector<state::AuditRecord> audit() const {
        return state::read_audit(path, "E1", false);
    }
    void save_ada() {
        store.save("okta", {"E1", "u1", ResourceStatus::active, ada(), k_now - std::chrono::days(1),
                            "W/\"1\""});
    }

    testing::TempDir dir;
    std::filesystem::path path = dir.path() / "state.db";
    state::StateStore store{path};
    StateRecorder recorder{store, "okta", k_now, 7, {"phoneNumbers"}};
};

TEST_F(RecorderTest, ASavedOutcomeWritesTheRowAndItsAuditEntry) {
    const auto create = operation_of(OperationKind::create);
    auto outcome = outcome_of(create, Result::done, Effect::save);
    outcome.version = "W/\"1\"";
    recorder.record(outcome);
    auto row = store.find("okta", "E1");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->scim_id, "u1");
    EXPECT_EQ(row->status, ResourceStatus::active);
    EXPECT_EQ(row->body, ada());
    EXPECT_EQ(row->version, "W/\"1\"");
    const auto entries = audit();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].entry.run_id, 7);
    EXPECT_EQ(entries[0].entry.target, "okta");
    EXPECT_EQ(entries[0].entry.operation, "create");
    EXPECT_EQ(entries[0].entry.status, "done");
    EXPECT_EQ(entries[0].entry.error, "");
    EXPECT_EQ(entries[0].entry.reason, "new in the source");
    EXPECT_EQ(entries[0].entry.attributes, json({"externalId", "title", "userName"}));
}

TEST_F(RecorderTest, ADeactivationIsSavedWithItsDate) {
    save_ada();
    const auto deactivate = operation_of(OperationKind::deactivate, {{"active", true, false}});
    auto outcome = outcome_of(deactivate, Result::done, Effect::save);
    outcome.status = ResourceStatus::deactivated;
    recorder.record(outcome);
    auto row = store.find("okta", "E1");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->status, ResourceStatus::deactivated);
    EXPECT_EQ(row->deactivated_at, k_now);
    ASSERT_EQ(audit().size(), 1U);
    EXPECT_EQ(audit()[0].entry.operation, "deactivate");
    EXPECT_EQ(audit()[0].entry.attributes,
              json::array({{{"attribute", "active"}, {"from", true}, {"to", false}}}));
}

TEST_F(RecorderTest, AForgottenOutcomeRemovesTheRowAndAuditsIt) {
    save_ada();
    const auto remove = operation_of(OperationKind::remove);
    recorder.record(outcome_of(remove, Result::done, Effect::forget));
    EXPECT_FALSE(store.find("okta", "E1"));
    const auto entries = audit();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].entry.operation, "delete");
    EXPECT_EQ(entries[0].entry.status, "done");
}

TEST_F(RecorderTest, AFailureLeavesTheRowAsItWasAndAuditsWhy) {
    save_ada();
    const auto update = operation_of(OperationKind::update, {{"title", "Engineer", "Lead"}});
    auto outcome = outcome_of(update, Result::refused, Effect::none);
    outcome.body = json::object(); // never read: nothing is saved
    outcome.message = "HTTP 400 invalidValue: title is too long";
    recorder.record(outcome);
    auto row = store.find("okta", "E1");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->body, ada());
    EXPECT_EQ(row->version, "W/\"1\"");
    const auto entries = audit();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].entry.status, "refused");
    EXPECT_EQ(entries[0].entry.error, "HTTP 400 invalidValue: title is too long");
}

TEST_F(RecorderTest, AnAdoptionIsNamedInTheAuditTrail) {
    const auto create = operation_of(OperationKind::create);
    auto outcome = outcome_of(create, Result::done, Effect::save);
    outcome.adoption = "took over the existing account u1, matched by externalId";
    recorder.record(outcome);
    ASSERT_EQ(audit().size(), 1U);
    EXPECT_EQ(audit()[0].entry.error, outcome.adoption);
}

TEST_F(RecorderTest, SensitiveValuesAreRedactedInTheAuditTrail) {
    save_ada();
    const auto update = operation_of(OperationKind::update,
                                     {{"phoneNumbers", json("+1 555 0100"), json("+1 555 0199")},
                                      {"title", json("Engineer"), json("Lead")}});
    recorder.record(outcome_of(update, Result::done, Effect::save));
    const auto entries = audit();
    ASSERT_EQ(entries.size(), 1U);
    const auto& attributes = entries[0].entry.attributes;
    ASSERT_EQ(attributes.size(), 2U);
    EXPECT_EQ(attributes[0]["from"], "(redacted)");
    EXPECT_EQ(attributes[0]["to"], "(redacted)");
    EXPECT_EQ(attributes[1]["to"], "Lead");
}

TEST_F(RecorderTest, AJournaledCreateIsAPendingRowWithoutAnAuditEntry) {
    const auto create = operation_of(OperationKind::create);
    recorder.journal_create(create, ada());
    auto row = store.find("okta", "E1");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->status, ResourceStatus::pending_create);
    EXPECT_EQ(row->body, ada());
    EXPECT_TRUE(audit().empty());
}

TEST_F(RecorderTest, TheRowAndTheAuditEntryLandTogetherOrNotAtAll) {
    {
        state::Database other(path);
        other.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit "
                      "BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
    }
    const auto create = operation_of(OperationKind::create);
    EXPECT_THROW(recorder.record(outcome_of(create, Result::done, Effect::save)), std::exception);
    EXPECT_FALSE(store.find("okta", "E1")) << "the row was rolled back with the audit entry";
    EXPECT_TRUE(audit().empty());
}

// ---- groups --------------------------------------------------------------------------------

state::GroupOperation group_operation(state::GroupOperationKind kind,
                                      std::vector<std::string> members = {}) {
    state::GroupOperation operation;
    operation.kind = kind;
    operation.key = "eng";
    operation.scim_id = "g1";
    operation.display_name = "Engineering";
    operation.members = std::move(members);
    operation.decision = "moved";
    return operation;
}

state::StoredGroup stored_engineering() {
    state::StoredGroup group;
    group.key = "eng";
    group.scim_id = "g1";
    group.display_name = "Engineering";
    return group;
}

TEST_F(RecorderTest, AGroupOutcomeWritesTheGroupItsMembersAndEveryonesAuditEntry) {
    const auto create = group_operation(state::GroupOperationKind::create);
    auto journaled = stored_engineering();
    journaled.scim_id.clear(); // before the POST: no id yet
    recorder.journal_group_create(create, journaled);
    GroupOutcome created;
    created.operation = &create;
    created.save = stored_engineering();
    recorder.record_group(created);
    const auto add = group_operation(state::GroupOperationKind::add_members, {"E1", "E2"});
    recorder.journal_group_members(add, {"E1", "E2"}, {"u1", "u2"});
    GroupOutcome added;
    added.operation = &add;
    added.result = Result::transient;
    added.message = "HTTP 503";
    added.added_keys = {"E1"}; // the first request went, the second did not
    added.added_ids = {"u1"};
    recorder.record_group(added);

    const auto groups = store.snapshot("okta").groups;
    ASSERT_EQ(groups.size(), 1U);
    EXPECT_EQ(groups[0].scim_id, "g1");
    EXPECT_EQ(groups[0].members, std::vector<std::string>{"E1"});
    EXPECT_EQ(groups[0].pending_members, std::vector<std::string>{"E2"})
        << "E2's addition stays pending: read before anyone is added again";
    const auto group_trail = state::read_audit(path, "eng", false);
    ASSERT_EQ(group_trail.size(), 2U);
    EXPECT_EQ(group_trail[0].entry.operation, "create group");
    EXPECT_EQ(group_trail[1].entry.operation, "add to");
    EXPECT_EQ(group_trail[1].entry.status, "transient failure");
    const auto e1 = audit();
    ASSERT_EQ(e1.size(), 1U);
    EXPECT_EQ(e1[0].entry.operation, "join group");
    EXPECT_EQ(e1[0].entry.status, "done");
    EXPECT_EQ(e1[0].entry.reason, "moved");
    EXPECT_EQ(e1[0].entry.attributes, json::parse(R"([{"attribute":"group","to":"Engineering"}])"));
    const auto e2 = state::read_audit(path, "E2", false);
    ASSERT_EQ(e2.size(), 1U);
    EXPECT_EQ(e2[0].entry.status, "transient failure");
    EXPECT_EQ(e2[0].entry.error, "HTTP 503");
}

TEST_F(RecorderTest, ARemovedMemberAndADeletedGroupAreForgotten) {
    const auto create = group_operation(state::GroupOperationKind::create);
    GroupOutcome created;
    created.operation = &create;
    created.save = stored_engineering();
    created.added_keys = {"E1", "E2"};
    created.added_ids = {"u1", "u2"};
    recorder.record_group(created);
    const auto out = group_operation(state::GroupOperationKind::remove_members, {"E2"});
    GroupOutcome removed;
    removed.operation = &out;
    removed.removed_keys = {"E2"};
    recorder.record_group(removed);
    EXPECT_EQ(store.snapshot("okta").groups.at(0).members, std::vector<std::string>{"E1"});
    EXPECT_EQ(state::read_audit(path, "E2", false).back().entry.operation, "leave group");
    // A group created again (it vanished from the target) starts from what it holds now.
    GroupOutcome again;
    again.operation = &create;
    again.save = stored_engineering();
    again.save->scim_id = "g2";
    recorder.record_group(again);
    EXPECT_TRUE(store.snapshot("okta").groups.at(0).members.empty()) << "no stale members";
    const auto remove = group_operation(state::GroupOperationKind::remove);
    GroupOutcome deleted;
    deleted.operation = &remove;
    deleted.forget = true;
    recorder.record_group(deleted);
    EXPECT_TRUE(store.snapshot("okta").groups.empty());
}

} // namespace
} // namespace hr2scim::apply
