// Issue 22, part A and the executor's defects: a write is verified and never destroys what
// hr2scim does not manage. Against the real scimmy server, whose PUT replaces the whole user
// (RFC 7644 §3.5.1), with modes for servers that drop attributes they do not keep, ignore a
// change and answer 200, or lack discovery and fail PATCH with 500. Checked on the server.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <map>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* k_acme = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";

class VerifiedWritesTest : public SyncTest {
  protected:
    // What another system keeps on the user: the app's locale, a nickname, Acme's building.
    void set_unmanaged(const std::string& external_id) {
        const auto id = server.user_with_external_id(external_id)["id"].get<std::string>();
        const json patch = {
            {"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
            {"Operations",
             {{{"op", "add"}, {"path", "locale"}, {"value", "de-CH"}},
              {{"op", "add"}, {"path", "nickName"}, {"value", "Charlie"}},
              {{"op", "add"},
               {"path", "emails"},
               {"value", {{{"type", "home"}, {"value", "charles@home.example"}}}}},
              {{"op", "add"}, {"path", std::string(k_acme) + ":building"}, {"value", "B7"}}}}};
        auto answer = server.scim("PATCH", "/Users/" + id, patch.dump());
        ASSERT_EQ(answer.status, 200) << answer.body;
    }

    void expect_unmanaged_kept(const std::string& external_id) {
        const auto user = server.user_with_external_id(external_id);
        EXPECT_EQ(user.value("locale", ""), "de-CH") << user.dump();
        EXPECT_EQ(user.value("nickName", ""), "Charlie") << user.dump();
        EXPECT_EQ(user.value(json::json_pointer(std::string("/") + k_acme + "/building"), json()),
                  "B7")
            << user.dump();
        bool home = false;
        for (const auto& email : user.value("emails", json::array()))
            home = home || email.value("type", "") == "home";
        EXPECT_TRUE(home) << "the app's home e-mail is kept: " << user.dump();
    }

    size_t writes() {
        size_t count = 0;
        for (const auto& request : server.requests())
            count += request["method"] != "GET" ? 1 : 0;
        return count;
    }

    size_t count(const std::string& method, long status) {
        size_t found = 0;
        for (const auto& request : server.requests())
            found += request["method"] == method && request["status"] == status ? 1 : 0;
        return found;
    }
};

TEST_F(VerifiedWritesTest, AnUpdateByPutKeepsWhatHr2scimDoesNotManage) {
    ASSERT_EQ(sync().exit_code, 0);
    set_unmanaged("E1002");
    write_csv(replace_once(example_csv(), "Principal Engineer", "Distinguished Engineer"));
    server.set_mode({{"noPatch", true}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_GE(count("PUT", 200), 1U) << "sent as PUT";
    EXPECT_EQ(server.user_with_external_id("E1002")["title"], "Distinguished Engineer");
    expect_unmanaged_kept("E1002");
}

TEST_F(VerifiedWritesTest, AnAdoptionKeepsWhatTheAccountHeld) {
    const json existing = {
        {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User", std::string(k_acme)}},
        {"userName", "charles.babbage@example.com"},
        {"externalId", "E1002"},
        {"title", "Old title"},
        {"locale", "de-CH"},
        {"nickName", "Charlie"},
        {"emails", {{{"type", "home"}, {"value", "charles@home.example"}}}},
        {k_acme, {{"building", "B7"}}}};
    ASSERT_EQ(server.scim("POST", "/Users", existing.dump()).status, 201);
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("took over the existing account"), std::string::npos) << result.out;
    EXPECT_EQ(server.user_with_external_id("E1002")["title"], "Principal Engineer");
    expect_unmanaged_kept("E1002");
}

TEST_F(VerifiedWritesTest, ARepairByPutKeepsWhatHr2scimDoesNotManage) {
    ASSERT_EQ(sync().exit_code, 0);
    set_unmanaged("E1002");
    // Someone changes a managed attribute on the target: drift, repaired by --reconcile.
    const auto id = server.user_with_external_id("E1002")["id"].get<std::string>();
    const json drift = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                        {"Operations", {{{"op", "replace"}, {"path", "title"}, {"value", "X"}}}}};
    ASSERT_EQ(server.scim("PATCH", "/Users/" + id, drift.dump()).status, 200);
    server.set_mode({{"noPatch", true}});
    auto result = hr2scim({"sync", "--reconcile"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("E1002")["title"], "Principal Engineer");
    expect_unmanaged_kept("E1002");
}

TEST_F(VerifiedWritesTest, AChangeTheTargetIgnoresIsReportedAndSentAgain) {
    ASSERT_EQ(sync().exit_code, 0);
    server.set_mode({{"frozen", {"emails"}}});
    write_csv(replace_once(
        replace_once(example_csv(), "charles.babbage@example.com", "c.babbage@example.com"),
        "Principal Engineer", "Fellow"));
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("target kept emails[work].value = charles.babbage@example.com; "
                              "sent c.babbage@example.com"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.user_with_external_id("E1002")["title"], "Fellow") << "the rest was taken";
    // Not "up to date": the next run sends it again, and says so again.
    server.clear_requests();
    auto again = sync();
    EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
    EXPECT_GE(writes(), 1U) << again.out;
    EXPECT_NE(again.out.find("target kept emails[work].value"), std::string::npos) << again.out;
    // Once the target takes it, the run is clean.
    server.set_mode({{"frozen", json::array()}});
    EXPECT_EQ(sync().exit_code, 0);
    server.clear_requests();
    auto settled = sync();
    EXPECT_EQ(settled.exit_code, 0) << settled.out;
    EXPECT_EQ(writes(), 0U) << settled.out;
}

TEST_F(VerifiedWritesTest, AttributesTheTargetDoesNotKeepAreLearntNotRepairedForever) {
    server.set_mode({{"unkept", {"title", std::string(k_enterprise) + ":department"}}});
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("Learnt: the target does not keep title"), std::string::npos)
        << first.out;
    EXPECT_NE(first.out.find("does not keep " + std::string(k_enterprise) + ":department"),
              std::string::npos)
        << first.out;
    auto validated = hr2scim({"validate"}, server.token());
    EXPECT_NE(validated.out.find("the target does not keep title"), std::string::npos)
        << validated.out;
    auto reconcile = hr2scim({"sync", "--reconcile"}, server.token());
    EXPECT_EQ(reconcile.exit_code, 0) << reconcile.out << reconcile.err;
    EXPECT_EQ(reconcile.out.find("Learnt:"), std::string::npos) << "said once: " << reconcile.out;
    server.clear_requests();
    auto second = hr2scim({"sync", "--reconcile"}, server.token());
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(writes(), 0U) << "nothing changed, nothing sent: " << second.out;
    server.clear_requests();
    auto plain = sync();
    EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
    EXPECT_EQ(server.requests().size(), 0U) << "at a glance, nothing to send: " << plain.out;
}

TEST_F(VerifiedWritesTest, ATargetWithoutDiscoveryThatFailsPatchIsProbedNotStormed) {
    server.set_mode({{"noDiscovery", true}});
    ASSERT_EQ(sync().exit_code, 0);
    set_unmanaged("E1002");
    server.set_mode({{"patchStatus", 500}});
    server.clear_requests();
    write_csv(replace_once(example_csv(), "Principal Engineer", "Fellow"));
    auto changed = sync();
    ASSERT_EQ(changed.exit_code, 0) << changed.out << changed.err;
    EXPECT_EQ(server.count_requests("PATCH"), 1U) << "one probe, not retried";
    EXPECT_NE(changed.out.find("target.profile: put_only"), std::string::npos) << changed.out;
    EXPECT_EQ(server.user_with_external_id("E1002")["title"], "Fellow");
    expect_unmanaged_kept("E1002");
    // Kept for the next runs: a leaver is deactivated without a PATCH.
    std::string csv = example_csv();
    write_csv(without_line(csv, "E1004,"));
    server.clear_requests();
    for (int run = 0; run < 2; ++run) { // a person absent once may wait for a second read
        auto leaver = sync();
        ASSERT_EQ(leaver.exit_code, 0) << leaver.out << leaver.err;
    }
    EXPECT_EQ(server.count_requests("PATCH"), 0U);
    EXPECT_EQ(server.user_with_external_id("E1004")["active"], false);
}

TEST_F(VerifiedWritesTest, ACreateAnsweredWithAnotherAccountsIdIsNotRecorded) {
    const json admin = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                        {"userName", "admin@example.com"},
                        {"active", true}};
    auto made = server.scim("POST", "/Users", admin.dump());
    ASSERT_EQ(made.status, 201);
    const auto admin_id = json::parse(made.body)["id"].get<std::string>();
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  max_concurrency: 1"));
    server.add_fault({{"method", "POST"}, {"after", true}, {"set", {{"id", admin_id}}}});
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token()); // the admin is there
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    // The admin shows no externalId: the userName tells it is somebody else's.
    EXPECT_NE(result.out.find("does not hold this person's userName"), std::string::npos)
        << result.out;
    // Whoever it was is found by look-up on the next run, and leaving never touches the admin.
    auto next = sync();
    EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
    // The first create (E1001's) was the one answered with the admin's id: E1001 leaves.
    write_csv(without_line(example_csv(), "E1001,"));
    for (int run = 0; run < 2; ++run) {
        auto leaving = hr2scim({"sync", "--max-deactivations", "5"}, server.token());
        EXPECT_EQ(leaving.exit_code, 0) << leaving.out << leaving.err;
    }
    EXPECT_EQ(server.user_with_external_id("E1001")["active"], false);
    for (const auto& user : server.users()) {
        if (user["id"] != admin_id) continue;
        EXPECT_EQ(user["active"], true) << user.dump();
    }
    std::map<std::string, int> held;
    for (const auto& user : server.users())
        ++held[user.value("externalId", "")];
    for (const auto& [external_id, accounts] : held)
        EXPECT_EQ(accounts, 1) << external_id;
}

TEST_F(VerifiedWritesTest, ATargetThatKeepsNoExternalIdHasItsCreatesVerifiedByUserName) {
    server.set_mode({{"unkept", {"externalId"}}});
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_NE(first.out.find("Learnt: the target does not keep externalId"), std::string::npos)
        << first.out;
    server.clear_requests();
    auto second = sync();
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(writes(), 0U) << second.out;
}

TEST_F(VerifiedWritesTest, AUniqueLookUpThatFailsFailsThatPersonOnly) {
    (void)dir.write("mapping.yaml",
                    "attributes:\n"
                    "  userName: '{unique(lower(email), lower(concat(first_name, \".\", "
                    "last_name, \"@corp.example.com\")))}'\n"
                    "  externalId: { column: employee_id }\n"
                    "  name.givenName: { column: first_name }\n"
                    "  name.familyName: { column: last_name }\n");
    use_mapping((dir.path() / "mapping.yaml").string());
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                 "timeout_seconds: 20\n  max_concurrency: 1"));
    for (const json& answer : {json{{"method", "GET"}, {"skip", 1}, {"raw", "<html>garbage"}},
                               json{{"method", "GET"}, {"skip", 1}, {"raw", ""}},
                               json{{"method", "GET"}, {"skip", 1}, {"status", 400}}}) {
        // The first GET is the first run's look at whether the target holds users.
        server.reset();
        server.add_fault(answer);
        auto result = sync();
        EXPECT_EQ(result.exit_code, 2) << answer.dump() << result.out << result.err;
        EXPECT_NE(result.out.find("is free failed"), std::string::npos) << result.out;
        EXPECT_EQ(server.users().size(), 9U) << "the 9 others are created: " << result.out;
        std::filesystem::remove(state_file());
    }
}

} // namespace
} // namespace hr2scim::testing
