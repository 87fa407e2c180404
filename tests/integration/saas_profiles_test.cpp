// The SaaS target profiles end to end against the test server's emulation of each target
// (tests/scim_server/server.mjs, its modes cite the vendor pages). Every result is read on the
// server's side: what it holds, and what its request log says it answered.

#include "state/state_store.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <map>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

const std::string k_header =
    "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id\n";

// AWS IAM Identity Center: `target.profile: aws_identity_center` against the server's `aws`
// mode (ListUsers, PatchUser, CreateUser, PutUser pages).
class AwsProfileTest : public SyncTest {
  protected:
    AwsProfileTest() { use_profile("aws_identity_center"); }

    void use_profile(const std::string& profile, const std::string& extra = {}) {
        write_config(extra);
        (void)dir.write("config.yaml",
                        replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                     "timeout_seconds: 20\n  profile: " + profile));
        server.set_mode({{"aws", true}});
    }

    // `count` people P1000.. with names, e-mails p<i>@example.com and `title`.
    static std::string people(int count, const std::string& title) {
        std::string csv = k_header;
        for (int i = 0; i < count; ++i)
            csv += "P" + std::to_string(1000 + i) + ",F" + std::to_string(i) + ",L,p" +
                   std::to_string(i) + "@example.com," + title + ",D,C,,\n";
        return csv;
    }

    // The same people, made on the target by hand before hr2scim: no externalId.
    void made_by_hand(int count) {
        for (int i = 0; i < count; ++i) {
            const json user = {
                {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                {"userName", "p" + std::to_string(i) + "@example.com"},
                {"name", {{"givenName", "F" + std::to_string(i)}, {"familyName", "L"}}},
                {"displayName", "F" + std::to_string(i) + " L"},
                {"title", "by hand"}};
            ASSERT_EQ(server.scim("POST", "/Users", user.dump()).status, 201) << i;
        }
    }

    size_t answered(long status) {
        size_t count = 0;
        for (const auto& request : server.all_requests())
            count += request["status"] == status ? 1 : 0;
        return count;
    }

    size_t requests_for(const std::string& method, const std::string& path) {
        size_t count = 0;
        for (const auto& request : server.requests())
            count += request["method"] == method && request["path"] == path ? 1 : 0;
        return count;
    }
};

// 250 people already on a target that cannot be asked by filter: every create answers 409
// and the account is found by listing the target. AWS ignores startIndex, so a listing by
// index sees the first 100 again and again; by cursor it sees all 250, and each is taken
// over, none created twice.
TEST_F(AwsProfileTest, AFirstLoadOverAListingOfMoreThan100IsPagedByCursor) {
    made_by_hand(250);
    write_csv(people(250, "Engineer"));
    server.set_mode({{"aws", true}, {"ignoreFilter", true}});
    server.clear_requests();
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    std::map<std::string, int> held;
    for (const auto& user : server.users()) {
        ++held[user.value("userName", "")];
        EXPECT_EQ(user.value("title", ""), "Engineer") << user.dump();
    }
    ASSERT_EQ(held.size(), 250U) << "no account created twice, none lost";
    for (int i = 0; i < 250; ++i) {
        const std::string user_name = "p" + std::to_string(i) + "@example.com";
        EXPECT_EQ(held[user_name], 1) << user_name;
        EXPECT_EQ(server.user_with_external_id("P" + std::to_string(1000 + i))["userName"],
                  user_name);
    }
    EXPECT_EQ(answered(400), 0U) << "no listing asked for more than 100 a page";
    EXPECT_EQ(requests_for("POST", "/scim/v2/Users"), 0U)
        << "--adopt-existing: each looked up first and taken over, none posted";
}

// Without the profile, a target that announces cursor paging in /ServiceProviderConfig
// (RFC 9865 §4) is listed by cursor too.
TEST_F(AwsProfileTest, ATargetThatAnnouncesCursorPagingIsListedByCursorWithoutTheProfile) {
    use_profile("auto");
    made_by_hand(150);
    write_csv(people(150, "Engineer"));
    server.set_mode({{"aws", true}, {"ignoreFilter", true}, {"announceCursor", true}});
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("cursor paging (RFC 9865)"), std::string::npos) << result.err;
    ASSERT_EQ(server.users().size(), 150U);
    for (const auto& user : server.users())
        EXPECT_EQ(user.value("title", ""), "Engineer") << user.dump();
}

// The same target spoken to by index, as before this profile (auto: nothing announces
// cursors): the listing does not add up, so nobody is taken over and nobody is created twice;
// the run says so. (Paging by index and trusting the pages would have called 150 people
// absent.)
TEST_F(AwsProfileTest, ListingByIndexATargetThatIgnoresStartIndexConcludesNothing) {
    use_profile("auto");
    made_by_hand(150);
    write_csv(people(150, "Engineer"));
    server.set_mode({{"aws", true}, {"ignoreFilter", true}});
    auto result = hr2scim({"sync", "--adopt-existing"}, server.token());
    EXPECT_NE(result.exit_code, 0) << "failed, or the target given up: " << result.out;
    EXPECT_NE(result.out.find("the listing stopped at 100 users of the 150"), std::string::npos)
        << result.out;
    ASSERT_EQ(server.users().size(), 150U);
    for (const auto& user : server.users())
        EXPECT_EQ(user.value("title", ""), "by hand") << user.dump();
}

// A change, a leaver, and the leaver re-hired with a new e-mail: the re-hire changes userName
// and active, which AWS takes only in separate PATCHes. Sent together, AWS refuses it on
// every run and the person stays inactive under the old name for good.
TEST_F(AwsProfileTest, AChangeALeaverAndAReHireWithANewUserNameEndActiveUnderTheNewName) {
    use_profile("aws_identity_center", "safety:\n  confirm_absence: 1\n");
    write_csv(people(6, "Engineer"));
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    ASSERT_EQ(server.users().size(), 6U);

    // A change.
    auto csv = people(6, "Engineer");
    write_csv(
        replace_once(csv, "P1001,F1,L,p1@example.com,Engineer", "P1001,F1,L,p1@example.com,Lead"));
    result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("P1001")["title"], "Lead");

    // A leaver: absent from the export.
    write_csv(without_line(csv, "P1002,"));
    result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.user_with_external_id("P1002")["active"], false);

    // Re-hired with a new e-mail, hence a new userName.
    const auto id = server.user_with_external_id("P1002")["id"].get<std::string>();
    server.clear_requests();
    write_csv(replace_once(csv, "P1002,F2,L,p2@example.com", "P1002,F2,L,p2.new@example.com"));
    result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto rehired = server.user_with_external_id("P1002");
    EXPECT_EQ(rehired["id"], id) << "the same account";
    EXPECT_EQ(rehired["active"], true);
    EXPECT_EQ(rehired["userName"], "p2.new@example.com");
    EXPECT_EQ(answered(400), 0U) << "no PATCH refused";
    EXPECT_EQ(requests_for("PATCH", "/scim/v2/Users/" + id), 2U) << "userName, then active";

    server.clear_requests();
    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << "nothing left to send: " << result.out;
}

// givenName, familyName and displayName are required on create: a person the export leaves
// without a last name is refused before anything is sent, by record and attribute, and the
// others go on.
TEST_F(AwsProfileTest, APersonWithoutARequiredAttributeIsRejectedByNameNotSent) {
    write_csv(people(3, "Engineer") + "P2000,Nola,,nola@example.com,Engineer,D,C,,\n");
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    const auto said = result.out + result.err;
    EXPECT_NE(said.find("P2000"), std::string::npos) << said;
    EXPECT_NE(said.find("requires name.familyName"), std::string::npos) << said;
    EXPECT_TRUE(server.user_with_external_id("P2000").is_null());
    EXPECT_EQ(server.users().size(), 3U);
    EXPECT_EQ(answered(400), 0U) << "nothing sent to fail on the target";
    auto validate = hr2scim({"validate"}, server.token());
    EXPECT_NE((validate.out + validate.err).find("requires name.familyName"), std::string::npos)
        << validate.out << validate.err;
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

const std::string k_lifecycle_header = "employee_id,first_name,last_name,email,worker_type,start_"
                                       "date,end_date,time_zone,manager_id,city,country,badge\n";
const std::string k_ada = "E1,Ada,Lovelace,ada@example.com,Employee,2019-01-01,,,,London,GB,B-1\n";
const std::string k_charles =
    "E2,Charles,Babbage,charles@example.com,Employee,2020-01-01,,,E1,London,GB,B-2\n";
const std::string k_grace =
    "E3,Grace,Hopper,grace@example.com,Employee,2021-01-01,,,E1,Arlington,US,B-3\n";

// The SaaS profiles whose DELETE is not a plain delete, through a first load, a change, a
// leaver, the leaver past lifecycle.delete_after_days (30) and a re-hire, with the run's clock
// fixed by --as-of (tests/data/lifecycle_mapping.yaml, userName the e-mail).
class SaasLifecycleTest : public SyncTest {
  protected:
    // Salesforce's users are given a profile (an entitlement: its creates are refused without
    // one) unless `profile_rule` says otherwise; the rule is one line of the mapping.
    void use(const std::string& profile, const std::string& operations = {},
             std::optional<std::string> profile_rule = std::nullopt) {
        write_config();
        write_mapping(profile_rule.value_or(
            profile == "salesforce"
                ? "entitlements[type eq \"profile\"]: { value: 00e000000000001 }"
                : ""));
        std::string config =
            replace_once(read_file(dir.path() / "config.yaml"),
                         std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                         (dir.path() / "mapping.yaml").string());
        // The published budgets (Slack 180 writes a minute, GitHub 1,000 an hour) scaled to a
        // second, so that the tests stay fast; BudgetTest covers pacing.
        config = replace_once(config, "timeout_seconds: 20",
                              "timeout_seconds: 20\n  budget: { writes: 200/s, reads: 200/s }\n"
                              "  profile: " +
                                  profile + operations);
        (void)dir.write("config.yaml", config);
        server.set_mode({{profile, true}});
        write_csv(k_lifecycle_header + k_ada + k_charles + k_grace);
    }

    // tests/data/lifecycle_mapping.yaml with userName the e-mail, without unique()'s fallbacks
    // (a refused userName stays refused), and `rule` (one more line, when not empty).
    void write_mapping(const std::string& rule) {
        (void)dir.write(
            "mapping.yaml",
            replace_once(
                read_file(std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/lifecycle_mapping.yaml"),
                "userName: '{unique(lower(email), lower(concat(first_name, \".\", "
                "last_name, \"@corp.example.com\")))}'",
                "userName: '{lower(email)}'" + (rule.empty() ? "" : "\n  " + rule)));
    }

    ProcessResult sync_at(const std::string& instant) {
        return hr2scim({"sync", "--as-of", instant, "--max-deactivations", "1"}, server.token());
    }

    json user(const std::string& external_id) { return server.user_with_external_id(external_id); }

    size_t count(const std::string& method) {
        size_t sent = 0;
        for (const auto& request : server.requests())
            sent += request["method"] == method ? 1 : 0;
        return sent;
    }

    // First load, a change, Grace leaving on 2026-11-25, and 40 days later.
    void first_load_change_and_leaver() {
        auto result = sync_at("2026-11-22T12:00:00Z");
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
        ASSERT_EQ(server.users().size(), 3U);
        write_csv(k_lifecycle_header + k_ada +
                  replace_once(k_charles, "London,GB", "Cambridge,GB") + k_grace);
        result = sync_at("2026-11-23T12:00:00Z");
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
        EXPECT_EQ(user("E2")["addresses"][0]["locality"], "Cambridge");
        write_csv(k_lifecycle_header + k_ada +
                  replace_once(k_charles, "London,GB", "Cambridge,GB") +
                  replace_once(k_grace, "2021-01-01,,", "2021-01-01,2026-11-25,"));
        result = sync_at("2026-11-26T12:00:00Z");
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
        EXPECT_EQ(user("E3")["active"], false);
        server.clear_requests();
        result = sync_at("2027-01-05T12:00:00Z");
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    }

    // Grace back, with a new e-mail.
    ProcessResult rehire() {
        write_csv(k_lifecycle_header + k_ada +
                  replace_once(k_charles, "London,GB", "Cambridge,GB") +
                  replace_once(k_grace, "grace@example.com", "grace.hopper@example.com"));
        server.clear_requests();
        return sync_at("2027-01-06T12:00:00Z");
    }
};

class NeverDeletedTest : public SaasLifecycleTest,
                         public ::testing::WithParamInterface<const char*> {};

// atlassian, salesforce, github: a leaver past delete_after_days stays deactivated (no DELETE
// unless target.operations.delete says so), and a re-hire gets the same account back.
TEST_P(NeverDeletedTest, ALeaverIsDeactivatedNeverDeletedAndAReHireGetsTheAccountBack) {
    use(GetParam());
    const auto grace_id = [&] {
        first_load_change_and_leaver();
        return user("E3")["id"];
    }();
    EXPECT_EQ(count("DELETE"), 0U) << "past delete_after_days, still no DELETE";
    ASSERT_FALSE(user("E3").is_null());
    EXPECT_EQ(user("E3")["active"], false);
    auto result = rehire();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(user("E3")["id"], grace_id) << "the same account";
    EXPECT_EQ(user("E3")["active"], true);
    EXPECT_EQ(user("E3")["userName"], "grace.hopper@example.com");
    EXPECT_EQ(count("POST"), 0U);
}

INSTANTIATE_TEST_SUITE_P(Profiles, NeverDeletedTest,
                         ::testing::Values("atlassian", "salesforce", "github"));

// Slack's DELETE deactivates: the default (DELETE past delete_after_days) stands, and the user
// stays on the target, inactive.
TEST_F(SaasLifecycleTest, SlackDeletesByDefaultAndItsDeleteDeactivates) {
    use("slack");
    first_load_change_and_leaver();
    EXPECT_EQ(count("DELETE"), 1U);
    ASSERT_EQ(server.users().size(), 3U);
    EXPECT_EQ(user("E3")["active"], false);
}

// Atlassian with target.operations.delete set: the DELETE only deactivated, the account is
// gone for every later request, and a re-hire under the same userName is refused as taken
// with nobody to find: reported once a run, naming what the target said, never looped.
TEST_F(SaasLifecycleTest, AtlassianReHireAfterAnExplicitDeleteIsReportedNotLooped) {
    use("atlassian", "\n  operations: { delete: true }");
    first_load_change_and_leaver();
    ASSERT_EQ(count("DELETE"), 1U);
    EXPECT_EQ(user("E3")["active"], false) << "deactivated, not deleted";
    write_csv(k_lifecycle_header + k_ada + replace_once(k_charles, "London,GB", "Cambridge,GB") +
              k_grace);
    server.clear_requests();
    auto result = sync_at("2027-01-06T12:00:00Z");
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("refuses the create as taken"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("names the account taken by userName grace@example.com"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(count("POST"), 1U) << "one attempt a run";
    EXPECT_EQ(server.users().size(), 3U);
}

// GitHub: a User-Agent always goes (requests without one are refused), and a 409 for a
// userName that normalises to another person's names nobody: a refused create that says so,
// never a take-over.
TEST_F(SaasLifecycleTest, GitHubA409ForANormalisedCollisionIsARefusedCreateNamingNobody) {
    use("github");
    write_csv(k_lifecycle_header + k_ada +
              "E7,Ada,Other,ada@other.example.com,Employee,2019-01-01,,,,Paris,FR,B-7\n");
    auto result = sync_at("2026-11-22T12:00:00Z");
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("the target refuses the create (HTTP 409: Duplicate record "
                              "detected)"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("not taken as an existing account"), std::string::npos) << result.out;
    ASSERT_EQ(server.users().size(), 1U);
    EXPECT_FALSE(user("E1").is_null() && user("E7").is_null());
    for (const auto& request : server.all_requests())
        EXPECT_NE(request["status"], 403) << "every request carried a User-Agent";
}

// Salesforce: the configuration is found at the plural path.
TEST_F(SaasLifecycleTest, SalesforceIsDescribedByServiceProviderConfigs) {
    use("salesforce");
    auto result = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("(/ServiceProviderConfigs)"), std::string::npos) << result.err;
    EXPECT_EQ(server.users().size(), 3U);
}

// Salesforce refuses a create without a profile (an entitlement) with 409: a refused create
// that says what Salesforce said, never taken as "this person exists" (nobody taken over,
// nothing in the state or on the server), tried again on the next run; with the profile mapped,
// the users are created.
TEST_F(SaasLifecycleTest, SalesforceRefusesACreateWithoutAProfileAndTheRunSaysWhy) {
    use("salesforce", {}, "");
    std::string csv = replace_once(k_lifecycle_header, "badge\n", "badge,profile_id\n");
    for (const auto* person : {&k_ada, &k_charles, &k_grace})
        csv += person->substr(0, person->size() - 1) + ",00e000000000001\n";
    write_csv(csv);
    const auto report_path = (dir.path() / "report.json").string();
    const std::string salesforce_said =
        "REQUIRED_FIELD_MISSING:user_must_have_one_entitlement_which_must_be_a_profileid;";
    for (int run = 1; run <= 2; ++run) {
        server.clear_requests();
        auto refused = hr2scim({"sync", "--as-of", "2026-11-22T12:00:00Z", "--report", report_path},
                               server.token());
        EXPECT_EQ(refused.exit_code, 2) << run << refused.out << refused.err;
        EXPECT_EQ(count("POST"), 3U) << "each create tried on each run: " << run;
        EXPECT_NE(refused.out.find("create E1: the target refuses the create (HTTP 409: " +
                                   salesforce_said + ")"),
                  std::string::npos)
            << refused.out;
        EXPECT_NE(refused.out.find("not taken as an existing account"), std::string::npos)
            << refused.out;
        EXPECT_EQ(refused.out.find("as taken"), std::string::npos) << refused.out;
        EXPECT_EQ(refused.out.find("took over"), std::string::npos) << refused.out;
        const json report = json::parse(read_file(report_path));
        size_t creates = 0;
        for (const auto& failure : report["failures"]) {
            if (failure["operation"] != "create") continue;
            ++creates;
            EXPECT_NE(failure["message"].get<std::string>().find(salesforce_said),
                      std::string::npos)
                << failure.dump();
        }
        EXPECT_EQ(creates, 3U) << report.dump(2);
        EXPECT_EQ(server.users().size(), 0U) << server.users().dump();
        EXPECT_EQ(state::StateStore::read_snapshot(state_file(), "test").resources.size(), 0U)
            << "no user recorded, none journaled as made";
    }

    write_mapping("entitlements[type eq \"profile\"]: { column: profile_id }");
    auto fixed = sync_at("2026-11-22T12:00:00Z");
    ASSERT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
    ASSERT_EQ(server.users().size(), 3U);
    for (const char* key : {"E1", "E2", "E3"})
        EXPECT_EQ(user(key)["entitlements"],
                  json::array({{{"value", "00e000000000001"}, {"type", "profile"}}}))
            << key;
}

} // namespace
} // namespace hr2scim::testing
