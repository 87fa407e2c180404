// target.profile entra_inbound end to end through a fake of Microsoft Entra ID's API-driven
// inbound provisioning (tests/entra_inbound_fake/, built from Microsoft's Graph pages; its
// CHANGELOG.md says what it enforces): uploads of whole users, 50 a request, OAuth2 client
// credentials, the 202 treated as a claim that the next run checks in the provisioning log,
// failed or never-logged uploads sent again (three times at most), leavers disabled and never
// deleted, the gates and plan files as for any target. Checked on the fake's side: the users it
// holds after processing, and the requests it saw.

#include "http/http_client.hpp"
#include "state/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/node_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <csignal>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <thread>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr int k_people = 120; // three uploads: 50, 50 and 20
constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* k_secret = "s3cret-value-77";

std::string key_of(int n) {
    return "E" + std::to_string(1000 + n);
}

class EntraInboundTest : public ::testing::Test {
  protected:
    EntraInboundTest()
        : fake("tests/entra_inbound_fake/server.mjs",
               {"--port", "0", "--tenant", "contoso", "--client-secret", k_secret, "--job",
                "API2AAD.job1", "--service-principal", "sp-1", "--log-page-size", "40"}) {
        for (int n = 0; n < k_people; ++n)
            people.push_back({{"id", key_of(n)},
                              {"worker", key_of(n)},
                              {"first", "First" + std::to_string(n)},
                              {"last", "Last" + std::to_string(n)},
                              {"title", "Engineer"},
                              {"department", n % 2 == 0 ? "Finance" : "Research"},
                              // 0 leads; 1-9 report to 0; everyone else to n / 10.
                              {"manager", n == 0 ? "" : key_of(n < 10 ? 0 : n / 10)},
                              {"end", ""}});
        write_people();
        (void)dir.write("mapping.yaml", R"(attributes:
  userName: "{lower(first)}.{lower(last)}@example.com"
  externalId: { column: worker }
  name.givenName: { column: first }
  name.familyName: { column: last }
  displayName: "{first} {last}"
  title: { column: title }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber: { column: id }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department: { column: department }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager: { column: manager }
lifecycle:
  time_zone: UTC
  termination_date: "{end}"
)");
        write_config();
    }

    void write_people() {
        std::string csv = "id,worker,first,last,title,department,manager,end\n";
        for (const auto& person : people)
            csv += person.at("id") + "," + person.at("worker") + "," + person.at("first") + "," +
                   person.at("last") + "," + person.at("title") + "," + person.at("department") +
                   "," + person.at("manager") + "," + person.at("end") + "\n";
        (void)dir.write("hr.csv", csv);
    }

    std::string fake_url() const { return "http://127.0.0.1:" + std::to_string(fake.port()); }

    void write_config(const std::string& target_lines = {},
                      const std::string& mapping = "mapping.yaml") {
        (void)dir.write(
            "config.yaml",
            "source:\n  type: csv\n  path: hr.csv\n  key_column: id\nmapping: " + mapping +
                "\ntarget:\n  name: entra\n  url: " + fake_url() +
                "/v1.0/servicePrincipals/sp-1/synchronization/jobs/API2AAD.job1/"
                "bulkUpload\n  profile: entra_inbound\n  auth: oauth2\n  token_url: " +
                fake_url() +
                "/contoso/oauth2/v2.0/token\n  client_id: hr2scim-app\n  "
                "client_secret_env: ENTRA_SECRET\n  scope: "
                "https://graph.microsoft.com/.default\n  max_retries: 2\n" +
                target_lines + "state: state.db\nsafety:\n  max_deactivation_percent: 20\n");
    }

    ProcessResult hr2scim(std::vector<std::string> arguments,
                          const std::string& secret = k_secret) {
        std::vector<std::string> argv = {HR2SCIM_BINARY};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        argv.insert(argv.end(), {"-c", (dir.path() / "config.yaml").string()});
        return run_process(argv, {{"ENTRA_SECRET", secret}});
    }
    ProcessResult sync() { return hr2scim({"sync"}); }

    json admin(const std::string& method, const std::string& path, const json& body = nullptr) {
        http::HttpClient client(http::ClientOptions{});
        auto answer = client.send({method,
                                   fake_url() + path,
                                   {{"Content-Type", "application/json"}},
                                   body.is_null() ? std::string() : body.dump()});
        EXPECT_TRUE(answer.has_value());
        if (!answer || answer->body.empty()) return json::object();
        return json::parse(answer->body);
    }
    json requests() { return admin("GET", "/admin/requests"); }
    size_t process() { return admin("POST", "/admin/process")["processed"].get<size_t>(); }
    void fault(const json& fault) { (void)admin("POST", "/admin/fault", fault); }

    // The users the fake's "Entra" holds, by externalId.
    std::map<std::string, json> users() {
        std::map<std::string, json> held;
        const json answer = admin("GET", "/admin/users");
        for (const auto& user : answer["users"])
            held[user["externalId"].get<std::string>()] = user;
        return held;
    }

    // The uploads the state holds for the target: key -> status.
    std::map<std::string, std::string> pending_uploads() {
        std::map<std::string, std::string> uploads;
        try {
            state::Database db(dir.path() / "state.db", true);
            auto query =
                db.prepare("SELECT source_key, status FROM uploads WHERE target = 'entra'");
            while (query.step())
                uploads[query.text(0)] = query.text(1);
        } catch (const std::exception& error) { // a state being made, read by the loop's test
            uploads["(unreadable)"] = error.what();
        }
        return uploads;
    }

    // A first sync, processed, and a second that confirms it from the log.
    void provision_everyone() {
        auto first = sync();
        ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
        ASSERT_EQ(process(), static_cast<size_t>(k_people));
        auto second = sync();
        ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
        ASSERT_NE(second.out.find(std::to_string(k_people) + " uploads applied"), std::string::npos)
            << second.out;
        ASSERT_TRUE(pending_uploads().empty());
    }

    TempDir dir;
    NodeServer fake;
    std::vector<std::map<std::string, std::string>> people;
};

TEST_F(EntraInboundTest, AFirstSyncUploadsEveryoneInRequestsOfFiftyWithManagersByExternalId) {
    auto result = hr2scim({"sync", "--report", (dir.path() / "report.json").string()});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto report = json::parse(read_file(dir.path() / "report.json"));
    EXPECT_EQ(report["applied"]["awaiting_confirmation"], k_people) << report.dump();
    EXPECT_NE(result.out.find("120 of these were uploaded and await"), std::string::npos)
        << result.out;
    auto seen = requests();
    EXPECT_EQ(seen["uploads"], 3) << seen.dump();
    EXPECT_EQ(seen["largest_upload"], 50);
    EXPECT_EQ(seen["operations"], k_people);
    EXPECT_EQ(seen["unexpected"], 0) << "never a GET, PATCH or DELETE the API does not have";
    EXPECT_EQ(seen["log_reads"], 0) << "nothing awaited the log yet";
    EXPECT_EQ(seen["token_requests"], 1);
    // Entra processes later: until then it holds nobody, and the state holds the claims.
    EXPECT_TRUE(users().empty());
    EXPECT_EQ(pending_uploads().size(), static_cast<size_t>(k_people));
    ASSERT_EQ(process(), static_cast<size_t>(k_people));
    const auto held = users();
    ASSERT_EQ(held.size(), static_cast<size_t>(k_people));
    const auto& seventeen = held.at(key_of(17));
    EXPECT_EQ(seventeen["userName"], "first17.last17@example.com");
    EXPECT_EQ(seventeen["displayName"], "First17 Last17");
    EXPECT_EQ(seventeen["department"], "Research");
    EXPECT_EQ(seventeen["active"], true);
    // Managers are externalIds; every manager was uploaded before the reports.
    EXPECT_EQ(seventeen["manager"], key_of(1)) << seventeen.dump();
    EXPECT_EQ(held.at(key_of(5))["manager"], key_of(0));
    EXPECT_EQ(held.at(key_of(0))["manager"], nullptr);
    for (const auto& [id, user] : held)
        EXPECT_EQ(user["raw"]["schemas"].size(), 2U) << user["raw"].dump();
    // The next sync reads the log, confirms every upload, and sends nothing else.
    auto confirmed = sync();
    ASSERT_EQ(confirmed.exit_code, 0) << confirmed.out << confirmed.err;
    EXPECT_NE(confirmed.out.find("120 uploads applied, 0 failed"), std::string::npos)
        << confirmed.out;
    EXPECT_TRUE(pending_uploads().empty());
    seen = requests();
    EXPECT_EQ(seen["uploads"], 3);
    EXPECT_GE(seen["log_reads"], 3) << "120 entries, 40 a page";
    // Nothing awaits: a sync with nothing to send sends no request at all.
    const auto reads = seen["log_reads"];
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(requests()["log_reads"], reads);
    EXPECT_EQ(requests()["uploads"], 3);
}

TEST_F(EntraInboundTest, AChangeIsOneUploadOfTheWholeUserAndALeaverIsDisabledNeverDeleted) {
    provision_everyone();
    people[17]["title"] = "Staff Engineer";
    people[23]["end"] = "2020-06-30";
    write_people();
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    auto seen = requests();
    EXPECT_EQ(seen["uploads"], 4) << "one more request";
    EXPECT_EQ(seen["operations"], k_people + 2);
    EXPECT_EQ(seen["unexpected"], 0) << "no DELETE, no PATCH";
    ASSERT_EQ(process(), 2U);
    const auto held = users();
    EXPECT_EQ(held.at(key_of(17))["title"], "Staff Engineer");
    // The whole user went, not the changed attribute alone.
    const auto& raw = held.at(key_of(17))["raw"];
    EXPECT_EQ(raw["userName"], "first17.last17@example.com");
    EXPECT_EQ(raw["name"]["familyName"], "Last17");
    EXPECT_EQ(raw[k_enterprise]["department"], "Research");
    EXPECT_EQ(raw[k_enterprise]["manager"]["value"], key_of(1));
    EXPECT_EQ(held.at(key_of(23))["active"], false);
    EXPECT_EQ(held.size(), static_cast<size_t>(k_people)) << "the leaver's account is kept";
    auto confirmed = sync();
    EXPECT_EQ(confirmed.exit_code, 0) << confirmed.out << confirmed.err;
    EXPECT_TRUE(pending_uploads().empty());
    EXPECT_EQ(requests()["uploads"], 4) << "converged";
}

TEST_F(EntraInboundTest, AnUploadTheLogSaysFailedIsSentAgainByTheNextRunAlone) {
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    fault({{"kind", "fail"},
           {"externalId", key_of(42)},
           {"times", 1},
           {"reason", "The userPrincipalName is already in use"}});
    ASSERT_EQ(process(), static_cast<size_t>(k_people));
    EXPECT_EQ(users().count(key_of(42)), 0U);
    auto again = sync();
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("119 uploads applied, 1 failed (sent again now)"), std::string::npos)
        << again.out;
    EXPECT_NE(again.out.find(key_of(42)), std::string::npos) << again.out;
    auto seen = requests();
    EXPECT_EQ(seen["uploads"], 4);
    EXPECT_EQ(seen["operations"], k_people + 1) << "only the failed one again";
    EXPECT_EQ(pending_uploads(), (std::map<std::string, std::string>{{key_of(42), "awaiting"}}));
    ASSERT_EQ(process(), 1U);
    EXPECT_EQ(users().at(key_of(42))["userName"], "first42.last42@example.com");
    auto settled = sync();
    EXPECT_EQ(settled.exit_code, 0) << settled.out << settled.err;
    EXPECT_TRUE(pending_uploads().empty());
    EXPECT_EQ(requests()["uploads"], 4);
    // `history` shows the upload and why it went again.
    auto history = hr2scim({"history", key_of(42)});
    EXPECT_NE(history.out.find("already in use"), std::string::npos) << history.out;
}

TEST_F(EntraInboundTest, AnUploadTheLogNeverShowsIsSentAgainOnceTheWindowHasPassed) {
    fault({{"kind", "drop"}, {"externalId", key_of(9)}, {"times", 1}});
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    ASSERT_EQ(process(), static_cast<size_t>(k_people - 1));
    // Within target.confirm_uploads_within it waits for the log.
    auto waiting = sync();
    ASSERT_EQ(waiting.exit_code, 0) << waiting.out << waiting.err;
    EXPECT_NE(waiting.out.find("119 uploads applied, 0 failed (sent again now), 1 not processed"),
              std::string::npos)
        << waiting.out;
    EXPECT_EQ(requests()["uploads"], 3);
    // Seven hours later (the upload's time moved back in the state) it is sent again.
    {
        state::Database db(dir.path() / "state.db", false);
        db.execute("UPDATE uploads SET uploaded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', "
                   "'-7 hours')");
    }
    auto late = sync();
    ASSERT_EQ(late.exit_code, 0) << late.out << late.err;
    EXPECT_NE(late.out.find("not in the provisioning log 6 hours after"), std::string::npos)
        << late.out;
    EXPECT_EQ(requests()["uploads"], 4);
    EXPECT_EQ(requests()["operations"], k_people + 1);
    ASSERT_EQ(process(), 1U);
    EXPECT_EQ(users().count(key_of(9)), 1U);
}

TEST_F(EntraInboundTest, AnUploadThatKeepsFailingIsGivenUpAfterThreeAttemptsAndReported) {
    fault({{"kind", "fail"}, {"externalId", key_of(11)}, {"reason", "Missing mandatory field"}});
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    for (int attempt = 2; attempt <= 3; ++attempt) {
        (void)process();
        auto again = sync();
        EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    }
    EXPECT_EQ(requests()["operations"], k_people + 2) << "sent three times in all";
    (void)process();
    auto given_up = sync();
    EXPECT_EQ(given_up.exit_code, 2) << "someone's account is not right: partial";
    EXPECT_NE(given_up.out.find("1 uploads failed 3 times"), std::string::npos) << given_up.out;
    EXPECT_NE(given_up.out.find("Missing mandatory field"), std::string::npos) << given_up.out;
    EXPECT_EQ(requests()["operations"], k_people + 2) << "not sent a fourth time";
    EXPECT_EQ(pending_uploads(), (std::map<std::string, std::string>{{key_of(11), "given_up"}}));
    // Still reported, still not sent, until the record changes.
    EXPECT_EQ(sync().exit_code, 2);
    EXPECT_EQ(requests()["operations"], k_people + 2);
    (void)admin("DELETE", "/admin/fault");
    people[11]["title"] = "Analyst";
    write_people();
    auto changed = sync();
    EXPECT_EQ(changed.exit_code, 0) << changed.out << changed.err;
    EXPECT_EQ(requests()["operations"], k_people + 3);
    (void)process();
    EXPECT_EQ(users().at(key_of(11))["title"], "Analyst");
}

TEST_F(EntraInboundTest, ALeaverWhoseLastUploadFailedIsStillDisabledByExternalId) {
    provision_everyone();
    fault({{"kind", "fail"}, {"externalId", key_of(50)}, {"times", 1}});
    people[50]["title"] = "Lead";
    write_people();
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(process(), 1U);
    // They leave the export (no termination date): absent from two complete reads.
    people.erase(people.begin() + 50);
    write_people();
    auto first_absence = sync();
    EXPECT_EQ(first_absence.exit_code, 0) << first_absence.out << first_absence.err;
    EXPECT_EQ(pending_uploads(), (std::map<std::string, std::string>{{key_of(50), "failed"}}));
    auto confirmed = sync();
    EXPECT_EQ(confirmed.exit_code, 0) << confirmed.out << confirmed.err;
    ASSERT_EQ(process(), 1U);
    const auto user = users().at(key_of(50));
    EXPECT_EQ(user["active"], false) << user.dump();
    EXPECT_EQ(requests()["unexpected"], 0);
}

TEST_F(EntraInboundTest, ALogThatNamesNoneOfTheUploadsConcludesNothing) {
    // Every upload is taken and never processed; another client's upload is in the job's log.
    for (int n = 0; n < k_people; ++n)
        fault({{"kind", "drop"}, {"externalId", key_of(n)}, {"times", 1}});
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    http::HttpClient client(http::ClientOptions{});
    auto token =
        client.send({"POST",
                     fake_url() + "/contoso/oauth2/v2.0/token",
                     {{"Content-Type", "application/x-www-form-urlencoded"}},
                     std::string("grant_type=client_credentials&client_id=hr2scim-app&"
                                 "client_secret=") +
                         k_secret + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"});
    ASSERT_TRUE(token && token->status == 200);
    const json other = {
        {"schemas", json::array({"urn:ietf:params:scim:api:messages:2.0:BulkRequest"})},
        {"Operations",
         json::array({{{"method", "POST"},
                       {"bulkId", "x"},
                       {"path", "/Users"},
                       {"data",
                        {{"schemas", json::array({"urn:ietf:params:scim:schemas:core:2.0:User",
                                                  k_enterprise})},
                         {"externalId", "OTHER-1"},
                         {"userName", "other@example.com"},
                         {"displayName", "Other"}}}}})}};
    auto uploaded = client.send(
        {"POST",
         fake_url() + "/v1.0/servicePrincipals/sp-1/synchronization/jobs/API2AAD.job1/bulkUpload",
         {{"Content-Type", "application/scim+json"},
          {"Authorization",
           "Bearer " + json::parse(token->body)["access_token"].get<std::string>()}},
         other.dump()});
    ASSERT_TRUE(uploaded && uploaded->status == 202);
    ASSERT_EQ(process(), 1U);
    {
        state::Database db(dir.path() / "state.db", false);
        db.execute("UPDATE uploads SET uploaded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', "
                   "'-7 hours')");
    }
    auto late = sync();
    EXPECT_EQ(late.exit_code, 2) << late.out << late.err;
    EXPECT_NE(late.out.find("none names an uploaded user"), std::string::npos) << late.out;
    EXPECT_EQ(requests()["operations"], k_people + 1) << "nobody sent again on that evidence";
    const auto pending = pending_uploads();
    EXPECT_EQ(pending.size(), static_cast<size_t>(k_people));
    EXPECT_EQ(pending.at(key_of(3)), "awaiting");
}

TEST_F(EntraInboundTest, WrongCredentialsAreRefusedAndNothingIsRecordedAsSent) {
    auto refused = hr2scim({"sync"}, "not-the-secret");
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_EQ(requests()["uploads"], 0);
    EXPECT_GE(requests()["refused"], 1);
    EXPECT_EQ(refused.out.find("not-the-secret"), std::string::npos);
    EXPECT_EQ(refused.err.find("not-the-secret"), std::string::npos);
    EXPECT_TRUE(pending_uploads().empty());
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(requests()["operations"], k_people);
    EXPECT_EQ(result.err.find(k_secret), std::string::npos);
}

TEST_F(EntraInboundTest, ARefusedUploadIsSplitUntilTheUserItCannotTakeIsAlone) {
    fault({{"kind", "reject-upload"}, {"status", 400}, {"times", 1}});
    fault({{"kind", "rate-limit"}, {"times", 1}});
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    auto seen = requests();
    EXPECT_EQ(seen["rejected_uploads"], 1);
    EXPECT_EQ(seen["rate_limited"], 1) << "waited out (Retry-After)";
    EXPECT_EQ(seen["operations"], k_people) << "everyone taken, once";
    EXPECT_EQ(process(), static_cast<size_t>(k_people));
}

TEST_F(EntraInboundTest, TheGatesWithholdAMassLeaveAsForAnyTarget) {
    provision_everyone();
    for (int n = 60; n < k_people; ++n)
        people[static_cast<size_t>(n)]["end"] = "2020-06-30";
    write_people();
    auto withheld = sync();
    EXPECT_EQ(withheld.exit_code, 3) << withheld.out << withheld.err;
    EXPECT_EQ(requests()["uploads"], 3) << "nothing sent";
    // A plan file applied sends what it lists, the same way.
    people = std::vector<std::map<std::string, std::string>>(people.begin(), people.end());
    for (int n = 60; n < k_people; ++n)
        people[static_cast<size_t>(n)]["end"] = "";
    people[30]["title"] = "Lead";
    write_people();
    auto planned = hr2scim({"plan", "--out", (dir.path() / "plan.json").string()});
    EXPECT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    EXPECT_EQ(requests()["uploads"], 3) << "plan sends nothing";
    auto applied = hr2scim({"apply", (dir.path() / "plan.json").string()});
    EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    EXPECT_EQ(requests()["operations"], k_people + 1);
    (void)process();
    EXPECT_EQ(users().at(key_of(30))["title"], "Lead");
}

TEST_F(EntraInboundTest, ANewExternalIdForAnExistingAccountIsRefusedNotUploaded) {
    provision_everyone();
    people[17]["worker"] = "W-17";
    write_people();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("externalId changed from E1017 to W-17"), std::string::npos)
        << result.out;
    EXPECT_EQ(requests()["uploads"], 3) << "no second account made";
}

TEST_F(EntraInboundTest, CheckProvesTheTokenByReadingTheLogAndNamesWhatIsWrong) {
    auto good = hr2scim({"check"});
    EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
    EXPECT_NE(good.out.find("provisioning log read"), std::string::npos) << good.out;
    auto seen = requests();
    EXPECT_EQ(seen["log_reads"], 1);
    EXPECT_EQ(seen["uploads"], 0) << "check never writes";
    EXPECT_EQ(seen["unexpected"], 0) << "no discovery, no GET /Users";
    auto refused = hr2scim({"check"}, "not-the-secret");
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("PROBLEM"), std::string::npos) << refused.out;
    EXPECT_EQ(refused.out.find("not-the-secret"), std::string::npos);
    fault({{"kind", "logs-unavailable"}, {"times", 10}});
    auto unavailable = sync();
    EXPECT_EQ(unavailable.exit_code, 0) << "nothing awaited the log: it was not read";
    auto unread = sync(); // now 120 uploads await it
    EXPECT_EQ(unread.exit_code, 2) << unread.out << unread.err;
    EXPECT_NE(unread.out.find("cannot read the provisioning log"), std::string::npos) << unread.out;
    EXPECT_EQ(pending_uploads().size(), static_cast<size_t>(k_people)) << "still awaiting";
}

TEST_F(EntraInboundTest, TheServiceLoopUploadsThenConfirmsFromTheLogOnItsNextCycles) {
    (void)admin("POST", "/admin/process-after", {{"ms", 300}});
    const int loop = start_process(
        {HR2SCIM_BINARY, "run", "--every", "1s", "-c", (dir.path() / "config.yaml").string()},
        {{"ENTRA_SECRET", k_secret}});
    auto eventually = [&](const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    };
    const bool loaded = eventually([&] {
        return users().size() == static_cast<size_t>(k_people) &&
               std::filesystem::exists(dir.path() / "state.db") && pending_uploads().empty();
    });
    // A leaver while it runs: disabled, and confirmed, by the next cycles.
    people[5]["end"] = "2020-06-30";
    write_people();
    const bool left =
        loaded && eventually([&] {
            return users().at(key_of(5))["active"] == false && pending_uploads().empty();
        });
    ::kill(loop, SIGTERM);
    int status = 0;
    (void)::waitpid(loop, &status, 0);
    EXPECT_TRUE(loaded) << "everyone uploaded, processed, and confirmed from the log";
    EXPECT_TRUE(left) << "the leaver disabled and confirmed";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    const auto seen = requests();
    EXPECT_EQ(seen["uploads"], 4) << "everyone once, then the leaver";
    EXPECT_EQ(seen["operations"], k_people + 1);
    EXPECT_GE(seen["log_reads"], 2);
    EXPECT_EQ(seen["unexpected"], 0);
}

TEST_F(EntraInboundTest, WhatItCannotDoIsRefusedInTheConfig) {
    struct Case {
        std::string lines;
        std::string says;
    };
    for (const auto& [lines, says] : {Case{"  operations:\n    delete: true\n", "has no DELETE"},
                                      Case{"  reconcile_every: 7d\n", "cannot be read back"}}) {
        write_config(lines);
        auto result = hr2scim({"validate"});
        EXPECT_EQ(result.exit_code, 1) << lines;
        EXPECT_NE((result.out + result.err).find(says), std::string::npos)
            << result.out << result.err;
    }
    write_config();
    auto reconcile = hr2scim({"sync", "--reconcile"});
    EXPECT_EQ(reconcile.exit_code, 1);
    EXPECT_NE(reconcile.err.find("cannot be read back"), std::string::npos) << reconcile.err;
    (void)dir.write("groups.yaml",
                    "attributes:\n  userName: \"{id}@example.com\"\n  externalId: "
                    "{ column: id }\ngroups:\n  departments:\n    for_each: \"{department}\"\n    "
                    "display_name: \"Dept - {each}\"\n");
    write_config({}, "groups.yaml");
    auto groups = hr2scim({"validate"});
    EXPECT_EQ(groups.exit_code, 1);
    EXPECT_NE((groups.out + groups.err).find("takes users only"), std::string::npos)
        << groups.out << groups.err;
    EXPECT_EQ(requests()["uploads"], 0);
}

} // namespace
} // namespace hr2scim::testing
