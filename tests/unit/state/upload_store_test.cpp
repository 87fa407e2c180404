// The uploads a target took without saying what became of them (entra_inbound): attempts
// counted for the same values, a failure clears what the state thinks the target holds (so the
// next plan sends the whole user again, as the same kind of operation), and the rows go with
// their person.

#include "state/state_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::state {
namespace {

using nlohmann::json;

const std::chrono::sys_seconds k_at{std::chrono::seconds(1'800'000'000)};

TEST(UploadStore, AttemptsCountRepeatsOfTheSameValuesOnly) {
    testing::TempDir dir;
    StateStore store(dir.path() / "state.db");
    store.record_upload("t", "E1", "X1", k_at, "create", false);
    store.record_upload("t", "E1", "X1", k_at, "update", true);
    store.record_upload("other", "E1", "X1", k_at, "create", false);
    auto uploads = store.uploads("t");
    ASSERT_EQ(uploads.size(), 1U);
    EXPECT_EQ(uploads[0].attempts, 2U);
    EXPECT_EQ(uploads[0].kind, "update");
    EXPECT_EQ(uploads[0].status, PendingUpload::Status::awaiting);
    EXPECT_EQ(uploads[0].uploaded_at, k_at);
    store.record_upload("t", "E1", "X1", k_at, "update", false); // new values: a first attempt
    EXPECT_EQ(store.uploads("t")[0].attempts, 1U);
    store.confirm_upload("t", "E1");
    EXPECT_TRUE(store.uploads("t").empty());
    EXPECT_EQ(store.uploads("other").size(), 1U);
}

TEST(UploadStore, AFailedDeactivationIsPlannedAgainAsOne) {
    testing::TempDir dir;
    StateStore store(dir.path() / "state.db");
    const json sent = {{"userName", "ada@example.com"}, {"active", false}};
    store.save("t", {"E1", "X1", ResourceStatus::deactivated, sent, k_at});
    store.record_upload("t", "E1", "X1", k_at, "deactivate", false);
    auto upload = store.uploads("t").at(0);
    upload.status = PendingUpload::Status::failed;
    upload.reason = "the provisioning log says it failed";
    store.fail_upload("t", upload);
    const auto row = store.find("t", "E1");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->status, ResourceStatus::active) << "as before the failed deactivation";
    EXPECT_EQ(row->body, json::object()) << "what the target holds is not known";
    EXPECT_EQ(row->scim_id, "X1");
    EXPECT_EQ(row->deactivated_at, std::nullopt);
    const auto snapshot = store.snapshot("t");
    ASSERT_EQ(snapshot.uploads.size(), 1U);
    EXPECT_EQ(snapshot.uploads[0].status, PendingUpload::Status::failed);
    EXPECT_EQ(snapshot.uploads[0].reason, "the provisioning log says it failed");
    EXPECT_EQ(StateStore::read_snapshot(dir.path() / "state.db", "t").uploads.size(), 1U);
}

TEST(UploadStore, GivenUpKeepsTheBodyAsSentAndForgettingThePersonDropsTheRow) {
    testing::TempDir dir;
    StateStore store(dir.path() / "state.db");
    const json sent = {{"userName", "ada@example.com"}};
    store.save("t", {"E1", "X1", ResourceStatus::active, sent, std::nullopt});
    store.record_upload("t", "E1", "X1", k_at, "create", false);
    auto upload = store.uploads("t").at(0);
    upload.status = PendingUpload::Status::given_up;
    upload.reason = "failed three times";
    store.fail_upload("t", upload);
    EXPECT_EQ(store.find("t", "E1")->body, sent);
    EXPECT_EQ(store.uploads("t").at(0).status, PendingUpload::Status::given_up);
    ASSERT_TRUE(store.hand_over("t", "E1", "E2"));
    EXPECT_EQ(store.uploads("t").at(0).key, "E2");
    EXPECT_TRUE(store.holds_any_account("t", {"nobody", "X1"}));
    EXPECT_FALSE(store.holds_any_account("t", {"nobody"}));
    EXPECT_FALSE(store.holds_any_account("other", {"X1"}));
    store.forget("t", "E2");
    EXPECT_TRUE(store.uploads("t").empty());
    EXPECT_FALSE(store.holds_any_account("t", {"X1"}));
}

} // namespace
} // namespace hr2scim::state
