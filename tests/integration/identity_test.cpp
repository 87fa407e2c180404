// Never the wrong account: each way hr2scim once wrote over, took over or deprovisioned an
// account that was not the person's, reproduced against the real SCIM server and checked
// there (what it holds, the requests it saw) and in the state.

#include "state/sqlite.hpp"
#include "state/state_store.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <regex>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

size_t count(const json& requests, const std::string& method, int status = 0) {
    size_t found = 0;
    for (const auto& seen : requests)
        found += seen["method"] == method && (status == 0 || seen["status"] == status);
    return found;
}

json make_user(ScimTestServer& server, const std::string& user_name,
               const std::string& external_id = {}) {
    json body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                 {"userName", user_name},
                 {"displayName", "made by hand"}};
    if (!external_id.empty()) body["externalId"] = external_id;
    auto made = server.scim("POST", "/Users", body.dump());
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body);
}

// Five unconfirmed creates are looked up on a target that ignores the filter and answers with
// its administrator: nobody is written over the administrator.
TEST_F(SyncTest, ATargetThatIgnoresFiltersNeverGetsAnAccountWrittenOver) {
    auto admin = make_user(server, "admin@corp.example.com");
    {
        state::StateStore store(state_file());
        for (const char* key : {"E1001", "E1002", "E1003", "E1004", "E1005"})
            store.journal_create("test", key, {{"userName", std::string(key) + "@lost"}});
    }
    server.set_mode({{"ignoreFilter", true}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(count(server.requests(), "PUT"), 0U) << "no account was replaced";
    auto held = server.scim("GET", "/Users/" + admin["id"].get<std::string>());
    EXPECT_EQ(json::parse(held.body)["userName"], "admin@corp.example.com");
    EXPECT_EQ(json::parse(held.body)["displayName"], "made by hand");
    EXPECT_EQ(server.users().size(), 11U) << "the ten people and the administrator";
    EXPECT_EQ(server.user_with_external_id("E1003")["userName"], "grace.hopper@example.com");
}

// A new hire whose userName is already a colleague's: a conflict naming both, never a takeover.
TEST_F(SyncTest, ANewHireWithAColleaguesUserNameDoesNotTakeTheirAccount) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto ada = server.user_with_external_id("E1001");
    server.clear_requests();
    write_csv(example_csv() +
              "E2000,Ada,Byron,Ada.Lovelace@example.com,Analyst,Finance,CC-300,,\n");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("create E2000: the account " + ada["id"].get<std::string>() +
                              " is E1001's (in the state); not taken over for E2000"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(count(server.requests(), "PUT"), 0U);
    EXPECT_EQ(server.user_with_external_id("E1001")["name"], ada["name"])
        << "Ada's account untouched";
    EXPECT_TRUE(server.user_with_external_id("E2000").is_null());

    // Ada leaves: her account is deactivated; the new hire's (failed) create never shared it.
    write_csv(without_line(example_csv(), "E1001,") +
              "E2000,Ada,Byron,Ada.Lovelace@example.com,Analyst,Finance,CC-300,,\n");
    (void)sync(); // absent once; the next read confirms it
    EXPECT_EQ(server.user_with_external_id("E1001")["active"], true);
    result = hr2scim({"sync", "--max-deactivations", "1"}, server.token());
    EXPECT_EQ(server.user_with_external_id("E1001")["active"], false);
    auto snapshot = state::StateStore::read_snapshot(state_file(), "test");
    for (const auto& resource : snapshot.resources)
        if (resource.key == "E2000") {
            EXPECT_NE(resource.scim_id, ada["id"].get<std::string>());
        }
}

// An account made by another tool for another person (its externalId) is not adopted.
TEST_F(SyncTest, AnAccountWhoseExternalIdNamesAnotherKeyIsNotAdopted) {
    make_user(server, "ada.lovelace@example.com", "X-999");
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(
        result.out.find("has externalId X-999, another person's key; not taken over for E1001"),
        std::string::npos)
        << result.out;
    EXPECT_EQ(count(server.requests(), "PUT"), 0U);
}

// An existing account that nobody owns and that names nobody else is matched, and the report
// says so.
TEST_F(SyncTest, AnAdoptionIsShownInTheRunReport) {
    auto made = make_user(server, "ada.lovelace@example.com");
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("= E1001: took over the existing account " +
                              made["id"].get<std::string>() + ", matched by userName"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.users().size(), 10U);
}

// The same people exported with keys in another case and with trailing spaces.
TEST_F(SyncTest, AKeyExportedInAnotherCaseOrWithSpacesIsTheSamePerson) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto ada = server.user_with_external_id("E1001");
    server.clear_requests();
    auto csv = replace_once(example_csv(), "E1001,", "e1001,");
    csv = replace_once(csv, "E1002,", "\"E1002 \",");
    write_csv(csv);
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    // The mapping copies the key column into externalId, so those two are updated; nobody is
    // created, deactivated or deleted.
    EXPECT_EQ(count(server.requests(), "POST") + count(server.requests(), "DELETE"), 0U);
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_EQ(server.user_with_external_id("e1001")["id"], ada["id"]) << "the same account";
    EXPECT_EQ(result.out.find("- deactivate"), std::string::npos) << result.out;

    // Two records that are one key are both rejected, and their person left alone.
    server.clear_requests();
    write_csv(example_csv() + "e1003,Grace,Other,grace.other@example.com,X,Y,Z,,\n");
    result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("are one key"), std::string::npos) << result.out;
    const auto grace = server.user_with_external_id("E1003");
    for (const auto& seen : server.requests())
        EXPECT_NE(seen["path"], "/scim/v2/Users/" + grace["id"].get<std::string>())
            << "Grace is left alone";
    EXPECT_EQ(grace["name"]["familyName"], "Hopper");
}

// A re-hire under a new key with the userName of the key that left: a conflict until an admin
// approves the hand-over, which re-keys the account in one transaction.
TEST_F(SyncTest, AReHireIsAConflictUntilHandedOverAndTheOldKeyCanNeverTouchTheAccountAgain) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto alan = server.user_with_external_id("E1004");
    auto without_alan = without_line(example_csv(), "E1004,");
    write_csv(without_alan);
    ASSERT_EQ(sync().exit_code, 0); // absent once; the next read confirms it
    ASSERT_EQ(hr2scim({"sync", "--max-deactivations", "1"}, server.token()).exit_code, 0);
    EXPECT_EQ(server.user_with_external_id("E1004")["active"], false);

    const std::string rehired =
        "E5004,Alan,Turing,alan.turing@example.com,Fellow,Research,CC-200,,\n";
    write_csv(without_alan + rehired);
    server.clear_requests();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("is E1004's (in the state); not taken over for E5004"),
              std::string::npos)
        << result.out;

    auto refused = hr2scim({"sync", "--hand-over", "E1003=E5004"}, server.token());
    EXPECT_EQ(refused.exit_code, 1) << "E1003 is still in the source";
    EXPECT_NE(refused.err.find("E1003 is still in the source"), std::string::npos) << refused.err;

    server.clear_requests();
    auto preview = hr2scim({"plan", "--hand-over", "E1004=E5004"}, server.token());
    EXPECT_EQ(preview.exit_code, 0) << preview.out << preview.err;
    EXPECT_NE(preview.out.find("^ reactivate E5004"), std::string::npos) << preview.out;
    result = hr2scim({"sync", "--hand-over", "E1004=E5004"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("the account of E1004, who left, is now E5004's"), std::string::npos);
    auto account = server.scim("GET", "/Users/" + alan["id"].get<std::string>());
    EXPECT_EQ(json::parse(account.body)["active"], true);
    EXPECT_EQ(json::parse(account.body)["externalId"], "E5004");
    EXPECT_EQ(count(server.requests(), "POST"), 0U)
        << "the account was handed over, not duplicated";

    auto snapshot = state::StateStore::read_snapshot(state_file(), "test");
    for (const auto& resource : snapshot.resources)
        EXPECT_NE(resource.key, "E1004") << "the old key is retired";
    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.requests().size(), 0U);
}

// A target answering 503 to everything costs a few requests, not every operation's retries.
TEST_F(SyncTest, ATargetFailingEverythingTripsTheBreaker) {
    std::string csv = "employee_id,first_name,last_name,email,job_title,department,cost_center,"
                      "mobile,manager_id\n";
    for (int i = 0; i < 100; ++i)
        csv += "P" + std::to_string(1000 + i) + ",F,L,p" + std::to_string(i) +
               "@example.com,T,D,C,,\n";
    write_csv(csv);
    server.add_fault({{"method", "POST"}, {"status", 503}, {"retryAfter", 0}, {"times", 100000}});
    auto result = sync(); // 8 operations in flight at once (the default target.max_concurrency)
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("5 operations in a row failed"), std::string::npos) << result.out;
    std::smatch not_attempted;
    ASSERT_TRUE(std::regex_search(result.out, not_attempted,
                                  std::regex("(\\d+) further operations were not attempted")))
        << result.out;
    EXPECT_GE(std::stoul(not_attempted[1]), 100U - 5 - 8) << "at most those in flight went on";
    EXPECT_LE(server.requests().size(), 1U + (5U + 8U) * 4U)
        << "a first run's look at the users, 5 operations, 4 attempts each, and those in flight "
           "when it tripped";
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

TEST_F(SyncTest, SwitchedOffOperationsArePlannedButNeverSent) {
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(without_line(example_csv(), "E1006,"));
    ASSERT_EQ(sync().exit_code, 0); // E1006 absent once; the next read confirms it
    server.clear_requests();
    write_config("safety:\n  max_deactivations: 10\n  max_deactivation_percent: 100\n");
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "  timeout_seconds: 20\n",
                                 "  timeout_seconds: 20\n  operations: { deactivate: false, "
                                 "create: false }\n"));
    auto csv = without_line(example_csv(), "E1006,");
    csv = replace_once(csv, "Rear Admiral", "Commodore");
    write_csv(csv + "E3000,New,Hire,new.hire@example.com,T,D,C,,\n");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(
        result.out.find("Not sent, switched off in target.operations: 2 operations: create E3000, "
                        "deactivate E1006"),
        std::string::npos)
        << result.out;
    EXPECT_EQ(server.count_requests("PATCH"), 1U) << "only the update";
    EXPECT_EQ(server.count_requests("POST"), 0U);
    EXPECT_EQ(server.user_with_external_id("E1006")["active"], true);
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore");
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// What was changed or deleted on the target behind hr2scim's back is repaired by
// sync --reconcile; attributes no rule sets are left as they are.
TEST_F(SyncTest, ReconcileRepairsDriftAndLeavesUnmanagedDataAlone) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto ada = server.user_with_external_id("E1001");
    const auto grace = server.user_with_external_id("E1003");
    auto patched =
        server.scim("PATCH", "/Users/" + ada["id"].get<std::string>(),
                    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)"
                    R"({"op":"replace","path":"title","value":"Changed by hand"},)"
                    R"({"op":"add","path":"nickName","value":"Countess"}]})");
    ASSERT_LT(patched.status, 300) << patched.body;
    ASSERT_EQ(server.scim("DELETE", "/Users/" + grace["id"].get<std::string>()).status, 204);

    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.requests().size(), 0U) << "without --reconcile nothing is read back";

    auto result = hr2scim({"sync", "--reconcile"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find(
                  "Reconciled 10 users with the target: 1 differed from what was sent, 1 vanished"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("* repair     E1001"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("* repair     E1003"), std::string::npos) << result.out;
    auto repaired = server.user_with_external_id("E1001");
    EXPECT_EQ(repaired["title"], "Chief Engineer");
    EXPECT_EQ(repaired["nickName"], "Countess") << "unmanaged: left alone";
    EXPECT_EQ(server.user_with_external_id("E1003")["userName"], "grace.hopper@example.com")
        << "created again";
    EXPECT_EQ(server.users().size(), 10U);

    server.clear_requests();
    result = hr2scim({"sync", "--reconcile"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out;
    EXPECT_EQ(server.count_requests("GET"), 10U);
    EXPECT_EQ(server.count_requests("PATCH") + server.count_requests("POST"), 0U)
        << "nothing drifted any more";
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

TEST_F(SyncTest, ReconcileEveryNRunsReadsTheTargetBackOnSchedule) {
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "  timeout_seconds: 20\n",
                                 "  timeout_seconds: 20\n  reconcile_every: 3\n"));
    std::vector<size_t> gets;
    for (int run = 0; run < 5; ++run) {
        server.clear_requests();
        auto result = sync();
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
        gets.push_back(server.count_requests("GET"));
    }
    // Run 1 reconciles (never done before; nothing to read yet), looks whether the target holds
    // users (a first run) and reads back each of its 10 creates (a create's id is verified);
    // then every third run reconciles: run 4.
    EXPECT_EQ(gets, (std::vector<size_t>{11, 0, 0, 10, 0}));
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// A create whose answer was lost is looked up before it is sent again. A target answering the
// look-up with a bare JSON array is read; one whose answer holds no list at all is not taken
// for "nobody has it" (that would send a duplicate).
TEST_F(SyncTest, ALookUpAnswerThatIsNotAListResponseNeverLooksLikeNobody) {
    ASSERT_EQ(sync().exit_code, 0);
    auto lose_answer = [&] {
        state::Database db(state_file());
        db.execute("UPDATE resources SET status = 'pending_create', scim_id = NULL WHERE "
                   "source_key = 'E1003'");
    };
    lose_answer();
    server.set_mode({{"noResources", true}});
    server.clear_requests();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("neither a ListResponse nor a list"), std::string::npos)
        << result.out;
    EXPECT_EQ(server.count_requests("POST"), 0U) << "not sent again";

    server.set_mode({{"noResources", false}, {"plainList", true}});
    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.count_requests("POST"), 0U);
    EXPECT_EQ(server.users().size(), 10U) << "found in the bare list, adopted, no duplicate";
}

} // namespace
} // namespace hr2scim::testing
