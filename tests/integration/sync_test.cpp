// The first end-to-end sync, checked on the server's side: what it holds and what it saw.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

TEST_F(SyncTest, ExampleFileCreatesExactlyItsUsersWithMappedAttributes) {
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

    auto users = server.users();
    ASSERT_EQ(users.size(), 10U);
    EXPECT_EQ(server.count_requests("POST"), 10U);
    EXPECT_EQ(server.count_requests("GET"), 11U)
        << "a first run: does the target hold users? Then each new user read back by its id";
    EXPECT_EQ(server.requests().size(), 21U);

    auto ada = server.user_with_external_id("E1001");
    EXPECT_EQ(ada["userName"], "ada.lovelace@example.com"); // lower() applied
    EXPECT_EQ(ada["name"]["givenName"], "Ada");
    EXPECT_EQ(ada["name"]["familyName"], "Lovelace");
    EXPECT_EQ(ada["displayName"], "Ada Lovelace");
    EXPECT_EQ(ada["title"], "Chief Engineer");
    EXPECT_EQ(ada["active"], true);
    EXPECT_EQ(ada["emails"][0]["value"], "ada.lovelace@example.com");
    EXPECT_EQ(ada["emails"][0]["type"], "work");
    EXPECT_EQ(ada["emails"][0]["primary"], true);
    EXPECT_EQ(ada["phoneNumbers"][0]["type"], "mobile");
    EXPECT_EQ(ada["phoneNumbers"][0]["value"], "+44 20 7946 0001");
    EXPECT_EQ(ada[k_enterprise]["employeeNumber"], "E1001");
    EXPECT_EQ(ada[k_enterprise]["department"], "Engineering");
    EXPECT_EQ(ada[k_enterprise]["costCenter"], "CC-100");

    auto babbage = server.user_with_external_id("E1002");
    EXPECT_FALSE(babbage.contains("phoneNumbers")) << "an empty cell maps to no attribute";

    auto soren = server.user_with_external_id("E1010"); // quoted fields, doubled quotes, UTF-8
    EXPECT_EQ(soren["name"]["familyName"], "Kierkegaard-Müller");
    EXPECT_EQ(soren["title"], "Philosopher, \"in residence\"");
    auto tim = server.user_with_external_id("E1008");
    EXPECT_EQ(tim[k_enterprise]["department"], "Standards, Web");
}

TEST_F(SyncTest, SecondSyncWithUnchangedInputSendsNoRequests) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();

    auto second = sync();
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();
    EXPECT_NE(second.out.find("10 unchanged"), std::string::npos) << second.out;
}

TEST_F(SyncTest, ChangingOneCellSendsExactlyOnePatchAndTouchesNothingElse) {
    ASSERT_EQ(sync().exit_code, 0);
    auto before = server.users();
    server.clear_requests();

    write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 1U) << seen.dump();
    EXPECT_EQ(seen[0]["method"], "PATCH");
    auto grace = server.user_with_external_id("E1003");
    EXPECT_EQ(seen[0]["path"], "/scim/v2/Users/" + grace["id"].get<std::string>());
    EXPECT_EQ(grace["title"], "Commodore");

    for (const auto& old_user : before) {
        if (old_user["externalId"] == "E1003") continue;
        auto now = server.user_with_external_id(old_user["externalId"]);
        EXPECT_EQ(now, old_user) << "user " << old_user["externalId"] << " was touched";
    }
    auto grace_before = *std::find_if(before.begin(), before.end(),
                                      [](const auto& u) { return u["externalId"] == "E1003"; });
    grace_before["title"] = "Commodore";
    grace_before["meta"]["lastModified"] = grace["meta"]["lastModified"];
    grace_before["meta"]["version"] = grace["meta"]["version"];
    EXPECT_EQ(grace, grace_before) << "only the title changed";
}

TEST_F(SyncTest, RemovingARowDeactivatesThatUserOnTheServer) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();

    write_csv(without_line(example_csv(), "E1004,"));
    // Absent once: a clean cut of the file looks the same, so the next read confirms it.
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_EQ(server.user_with_external_id("E1004")["active"], true);
    EXPECT_EQ(server.requests().size(), 0U);
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

    EXPECT_EQ(server.user_with_external_id("E1004")["active"], false);
    EXPECT_EQ(server.users().size(), 10U) << "deactivated, not deleted";
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 1U) << seen.dump();
    EXPECT_EQ(seen[0]["method"], "PATCH");
    for (const auto& user : server.users()) {
        if (user["externalId"] != "E1004") {
            EXPECT_EQ(user["active"], true) << user["externalId"];
        }
    }
}

TEST_F(SyncTest, ARowThatReturnsReactivatesTheUser) {
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(without_line(example_csv(), "E1004,"));
    ASSERT_EQ(sync().exit_code, 0); // absent once
    ASSERT_EQ(sync().exit_code, 0); // absent twice: deactivated
    ASSERT_EQ(server.user_with_external_id("E1004")["active"], false);

    write_csv(example_csv());
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("E1004")["active"], true);
    EXPECT_NE(result.out.find("^ reactivate E1004"), std::string::npos) << result.out;
}

TEST_F(SyncTest, PlanShowsChangesAndSendsNothing) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    write_csv(without_line(replace_once(example_csv(), "Rear Admiral", "Commodore"), "E1004,"));

    auto result = hr2scim({"plan", "--detailed-exitcode"}, server.token());
    EXPECT_EQ(result.exit_code, 4) << result.out << result.err;
    EXPECT_NE(result.out.find("~ update     E1003"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("title: \"Rear Admiral\" -> \"Commodore\""), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("? E1004 (absent once, deactivated next run if still absent)"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Rear Admiral");

    // After a sync has seen E1004 absent, the next plan deactivates them.
    write_csv(without_line(example_csv(), "E1004,"));
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    result = hr2scim({"plan", "--detailed-exitcode"}, server.token());
    EXPECT_EQ(result.exit_code, 4) << result.out << result.err;
    EXPECT_NE(result.out.find("- deactivate E1004"), std::string::npos) << result.out;
    EXPECT_EQ(server.requests().size(), 0U);

    write_csv(example_csv());
    EXPECT_EQ(hr2scim({"plan", "--detailed-exitcode"}, server.token()).exit_code, 0);
}

TEST_F(SyncTest, UsersDeletedOnTheTargetAreCreatedAgain) {
    ASSERT_EQ(sync().exit_code, 0);
    auto grace = server.user_with_external_id("E1003");
    ASSERT_EQ(server.scim("DELETE", "/Users/" + grace["id"].get<std::string>()).status, 204);
    write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    auto again = server.user_with_external_id("E1003");
    ASSERT_TRUE(again.is_object());
    EXPECT_EQ(again["title"], "Commodore");
    EXPECT_EQ(server.users().size(), 10U);
}

// A first run against a target that already holds accounts stops before sending, naming the
// choice (a lost or mistyped state looks the same); plan says so ahead. With --adopt-existing,
// once, each create is looked up first and the matching account is taken over, not duplicated,
// and the account nobody in the export matches is left alone; later runs need no flag.
TEST_F(SyncTest, AnExistingUserWithTheSameUserNameIsTakenOverNotDuplicated) {
    auto made_by_hand = server.scim("POST", "/Users",
                                    R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],)"
                                    R"("userName":"grace.hopper@example.com","title":"stale"})");
    ASSERT_EQ(made_by_hand.status, 201) << made_by_hand.body;
    const auto grace_id = nlohmann::json::parse(made_by_hand.body)["id"];
    ASSERT_EQ(server
                  .scim("POST", "/Users",
                        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],)"
                        R"("userName":"it.admin@example.com"})")
                  .status,
              201);
    server.clear_requests();

    auto planned = plan();
    EXPECT_EQ(planned.exit_code, 0) << planned.err;
    EXPECT_NE(planned.out.find("A first run for target \"test\": sync asks the target whether "
                               "it already holds users, and if it does, stops before sending "
                               "unless --adopt-existing is given."),
              std::string::npos)
        << planned.out;
    auto stopped = sync();
    EXPECT_EQ(stopped.exit_code, 3) << stopped.out << stopped.err;
    EXPECT_NE(stopped.out.find("Stopped before sending anything: the state " +
                               state_file().string() +
                               " holds nobody for target \"test\", but the target already "
                               "holds 2 users. If this is the first run against a target that "
                               "already has accounts, run it once with --adopt-existing"),
              std::string::npos)
        << stopped.out;
    EXPECT_EQ(server.count_requests("POST") + server.count_requests("PATCH") +
                  server.count_requests("PUT") + server.count_requests("DELETE"),
              0U)
        << server.requests().dump();
    EXPECT_EQ(server.users().size(), 2U);

    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("A first run for target \"test\" with --adopt-existing: each of the "
                              "10 creates looks its person up on the target first (by "
                              "externalId, then userName), and a matching account is taken "
                              "over, not duplicated."),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.users().size(), 11U) << "ten people, one of them taken over, and it.admin";
    EXPECT_EQ(server.user_with_external_id("E1003")["id"], grace_id) << "taken over, not made";
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Rear Admiral");
    EXPECT_NE(result.out.find("no state: 1 existing accounts matched"), std::string::npos)
        << result.out;

    server.clear_requests();
    auto again = sync();
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(server.requests().size(), 0U) << "the adopted user is in the state";
}

// The reviewed path: a first run's plan file made without --adopt-existing is not applied to a
// target that holds users (exit 3, nothing written); made with it, the file says so (under its
// digest) and apply takes the matching account over.
TEST_F(SyncTest, APlanFileTakesAccountsOverOnlyWhenMadeWithAdoptExisting) {
    auto made_by_hand = server.scim("POST", "/Users",
                                    R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],)"
                                    R"("userName":"grace.hopper@example.com"})");
    ASSERT_EQ(made_by_hand.status, 201) << made_by_hand.body;
    const auto plan_file = dir.path() / "first.json";
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 0);
    EXPECT_FALSE(nlohmann::json::parse(read_file(plan_file)).contains("adopt_existing"));
    server.clear_requests();
    auto refused = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("NOT APPLIED: the state " + state_file().string() +
                               " holds nobody for target \"test\", but the target already "
                               "holds 1 users"),
              std::string::npos)
        << refused.out;
    EXPECT_NE(refused.out.find("Make the plan again with --adopt-existing"), std::string::npos)
        << refused.out;
    EXPECT_EQ(server.count_requests("POST") + server.count_requests("PUT") +
                  server.count_requests("PATCH"),
              0U);

    ASSERT_EQ(hr2scim({"plan", "--adopt-existing", "--out", plan_file.string()}, server.token())
                  .exit_code,
              0);
    EXPECT_EQ(nlohmann::json::parse(read_file(plan_file))["adopt_existing"], true);
    auto applied = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    EXPECT_EQ(server.user_with_external_id("E1003")["id"],
              nlohmann::json::parse(made_by_hand.body)["id"])
        << "taken over, not made";
    EXPECT_EQ(server.users().size(), 10U);
}

// Whether the target holds users cannot be told: nothing is sent, and the run failed (exit 1) as
// when the target cannot be used; it is not taken for an empty target.
TEST_F(SyncTest, AFirstRunThatCannotAskTheTargetSendsNothing) {
    server.add_fault({{"method", "GET"}, {"status", 500}, {"times", 10}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("and the target could not say whether it holds users (HTTP 500"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.count_requests("POST"), 0U);
    EXPECT_EQ(server.users().size(), 0U);
}

// What Excel saves as "CSV" on a Western European system: ';' between fields, Windows-1252
// text, CRLF line ends. With `encoding: windows-1252` and no delimiter set, the people arrive
// on the target spelt as HR spells them; without the encoding, the rows are rejected with the
// setting that reads them, and nobody is created from a misread name.
TEST_F(SyncTest, AnExcelExportInWindows1252SyncsWithOneSetting) {
    write_csv("employee_id;first_name;last_name;email;job_title;department;cost_center;mobile;"
              "manager_id\r\n"
              "E1;S\xF8ren;M\xFCller;soren@example.com;\"Head; Research\";R&D;CC-1;;\r\n"
              "E2;Zo\xEB;Fran\xE7ois;zoe@example.com;Engineer;R&D;CC-1;;E1\r\n");
    auto without = sync();
    EXPECT_NE(without.exit_code, 0);
    EXPECT_NE(without.out.find("set `encoding: windows-1252` in the source"), std::string::npos)
        << without.out << without.err;
    EXPECT_TRUE(server.users().empty());

    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                "  key_column: employee_id\n",
                                                "  key_column: employee_id\n"
                                                "  encoding: windows-1252\n"));
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("hr.csv: fields separated by ';', as its header is"),
              std::string::npos)
        << result.err;
    ASSERT_EQ(server.users().size(), 2U);
    const auto soren = server.user_with_external_id("E1");
    EXPECT_EQ(soren["name"]["givenName"], "S\u00F8ren");
    EXPECT_EQ(soren["name"]["familyName"], "M\u00FCller");
    EXPECT_EQ(soren["title"], "Head; Research");
    EXPECT_EQ(server.user_with_external_id("E2")["displayName"], "Zo\u00EB Fran\u00E7ois");
}

} // namespace
} // namespace hr2scim::testing
