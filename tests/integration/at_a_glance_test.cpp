// Planning at a glance (issue 13): the state is read without bodies and people whose
// fingerprint matches are skipped without a diff. Whatever it skips, the full comparison must
// agree: checked against `sync --reconcile`, which reads every body and the target itself,
// and on the server's side.

#include "state/body_hash.hpp"
#include "state/migrations.hpp"
#include "state/sqlite.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <sstream>

namespace hr2scim::testing {
namespace {

constexpr const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* k_header =
    "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id\n";

// Person i reports to person i / 5 (person 1 to nobody).
std::string person(int i, const std::string& title = "Engineer", int manager = -1) {
    if (manager < 0) manager = i / 5;
    char line[256];
    std::snprintf(
        line, sizeof line, "P%04d,First%d,Last%d,p%d@example.com,%s,Dept%d,CC-%d,+1 555 %04d,%s\n",
        i, i, i, i, title.c_str(), i % 7, i % 3, i,
        manager > 0
            ? ("P" + std::string(4 - std::to_string(manager).size(), '0') + std::to_string(manager))
                  .c_str()
            : "");
    return line;
}

class AtAGlanceTest : public SyncTest {
  protected:
    AtAGlanceTest() {
        std::ofstream(dir.path() / "mapping.yaml")
            << read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml") << "  "
            << k_enterprise << ":manager: { column: manager_id }\n";
        write_config("safety:\n  max_deactivations: 1000\n  max_deactivation_percent: 100\n");
        use_mapping((dir.path() / "mapping.yaml").string());
    }

    void write_people(int count, const std::function<std::string(int)>& line) {
        std::string csv = k_header;
        for (int i = 1; i <= count; ++i)
            csv += line(i);
        write_csv(csv);
    }

    // The operations a plan lists ("~ update P0007", "- deactivate P0009", ...), in order.
    static std::vector<std::string> operations(const std::string& out) {
        std::vector<std::string> found;
        static const std::regex line(R"(^  ([+~\-<>]) (\w[\w ]*?)\s+(P\d{4}))");
        std::istringstream in(out);
        for (std::string text; std::getline(in, text);) {
            std::smatch match;
            if (std::regex_search(text, match, line))
                found.push_back(match[2].str() + " " + match[3].str());
        }
        return found;
    }

    // The state as hr2scim left it at schema 9: each body_hash FNV-1a over the body's text.
    void fingerprint_state_with_fnv1a() {
        state::Database db(state_file());
        db.define_function("fnv1a", state::text_digest);
        db.execute("UPDATE resources SET body_hash = fnv1a(body); UPDATE schema_version SET "
                   "version = 9; DROP TABLE uploads; ALTER TABLE runs DROP COLUMN interrupted; "
                   "ALTER TABLE runs "
                   "DROP COLUMN not_sent");
    }

    [[nodiscard]] int schema_version() const {
        state::Database db(state_file(), true);
        auto query = db.prepare("SELECT version FROM schema_version");
        return query.step() ? static_cast<int>(query.integer(0)) : 0;
    }
};

TEST_F(AtAGlanceTest, WhatItSkipsTheFullComparisonSkipsToo) {
    write_people(120, [](int i) { return person(i); });
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    ASSERT_EQ(sync().exit_code, 0); // the manager links
    ASSERT_EQ(server.users().size(), 120U);
    // P0044 is absent from one read already: the next one confirms it.
    write_people(120, [](int i) { return i == 44 ? std::string() : person(i); });
    ASSERT_EQ(sync().exit_code, 0);

    // Every kind of change at once: a title, a new manager, one who left, a new hire, a key
    // re-exported in lower case, and a row cleared of its phone number.
    write_people(121, [](int i) {
        if (i == 7) return person(i, "Principal Engineer");
        if (i == 30) return person(i, "Engineer", 11);
        if (i == 44) return std::string();
        if (i == 50) {
            auto line = person(i);
            line[0] = 'p';
            return line;
        }
        if (i == 61) return replace_once(person(i), "+1 555 0061", "");
        return person(i);
    });
    auto planned = plan();
    ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    EXPECT_NE(planned.out.find("1 to create, 4 to update, 1 to deactivate"), std::string::npos)
        << planned.out;

    auto reconciled = hr2scim({"sync", "--reconcile", "--show-all"}, server.token());
    ASSERT_EQ(reconciled.exit_code, 0) << reconciled.out << reconciled.err;
    auto at_a_glance = hr2scim({"plan", "--show-all"}, server.token()); // after: nothing left
    EXPECT_EQ(operations(at_a_glance.out), std::vector<std::string>{}) << at_a_glance.out;
    auto planned_all = operations(without_line(planned.out, "  ..."));
    auto applied = operations(reconciled.out);
    EXPECT_FALSE(planned_all.empty());
    EXPECT_EQ(planned_all, std::vector<std::string>(
                               applied.begin(),
                               applied.begin() +
                                   static_cast<long>(std::min(applied.size(), planned_all.size()))))
        << planned.out << "\n----\n"
        << reconciled.out;

    // On the server: the changes landed, the new manager's id is the one it holds.
    auto moved = server.user_with_external_id("P0030");
    auto manager = server.user_with_external_id("P0011");
    EXPECT_EQ(moved[k_enterprise]["manager"]["value"], manager["id"]);
    EXPECT_EQ(server.user_with_external_id("P0007")["title"], "Principal Engineer");
    EXPECT_EQ(server.user_with_external_id("P0044")["active"], false);
    EXPECT_FALSE(server.user_with_external_id("P0061").contains("phoneNumbers"));
    EXPECT_EQ(server.users().size(), 121U);
}

TEST_F(AtAGlanceTest, AManagerWhoseAccountWasRemadeIsTheOneTheirReportsHoldAfterwards) {
    write_people(12, [](int i) { return person(i); });
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(sync().exit_code, 0);
    // P0002's account vanishes on the target; a reconcile creates it again with a new id and
    // links the reports to it. The reports' fingerprints hold the manager's id: the next runs
    // find them unchanged only because the state now holds the new id too.
    auto old_id = server.user_with_external_id("P0002")["id"].get<std::string>();
    ASSERT_EQ(server.scim("DELETE", "/Users/" + old_id).status, 204);
    auto repaired = hr2scim({"sync", "--reconcile"}, server.token());
    ASSERT_NE(repaired.exit_code, 1) << repaired.out << repaired.err;
    auto new_id = server.user_with_external_id("P0002")["id"].get<std::string>();
    ASSERT_NE(new_id, old_id);
    for (const char* report : {"P0010", "P0011", "P0012"})
        EXPECT_EQ(server.user_with_external_id(report)[k_enterprise]["manager"]["value"], new_id)
            << repaired.out;
    server.clear_requests();
    auto next = sync();
    ASSERT_EQ(next.exit_code, 0) << next.out << next.err;
    EXPECT_NE(next.out.find("12 unchanged"), std::string::npos) << next.out;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();
}

// An employee moved under a new hire keeps their old manager until the new one exists and is
// linked: no update clears the manager in between, and no clear is withheld.
TEST_F(AtAGlanceTest, AnEmployeeMovedUnderANewHireKeepsTheirManagerUntilTheLink) {
    write_people(12, [](int i) { return person(i); });
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    write_people(13, [](int i) { return i == 6 ? person(6, "Engineer", 13) : person(i); });
    auto planned = plan();
    ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    EXPECT_NE(planned.out.find("1 to create, 0 to update"), std::string::npos) << planned.out;
    EXPECT_NE(planned.out.find("1 managers to link"), std::string::npos) << planned.out;
    EXPECT_EQ(planned.out.find("WITHHELD"), std::string::npos) << planned.out;
    auto synced = sync();
    ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
    EXPECT_EQ(server.user_with_external_id("P0006")[k_enterprise]["manager"]["value"],
              server.user_with_external_id("P0013")["id"]);
    EXPECT_EQ(server.count_requests("POST"), 1U);
    EXPECT_EQ(server.count_requests("PATCH") + server.count_requests("PUT"), 1U)
        << server.requests().dump();
}

// A plan that lists only its first operations holds each new hire's manager link in their
// create (issue 25): what it counts and lists is what the whole plan, the plan file and the
// sync make of the same export.
TEST_F(AtAGlanceTest, APlanListingItsFirstOperationsCountsTheLinksTheWholePlanMakes) {
    write_people(12, [](int i) { return person(i); });
    ASSERT_EQ(sync().exit_code, 0);
    // 18 new hires, each but the first reporting to the one before, and P0006 moved under one.
    write_people(30, [](int i) {
        if (i == 6) return person(6, "Engineer", 20);
        return i > 13 ? person(i, "Engineer", i - 1) : person(i);
    });
    const std::string counts = "Plan: 18 to create, 0 to update, 0 to deactivate, 0 to "
                               "reactivate, 18 managers to link, 12 unchanged.";
    auto shortened = hr2scim({"plan", "--show", "2"}, server.token());
    ASSERT_EQ(shortened.exit_code, 0) << shortened.out << shortened.err;
    EXPECT_NE(shortened.out.find(counts), std::string::npos) << shortened.out;
    EXPECT_NE(shortened.out.find("... and 34 more operations"), std::string::npos) << shortened.out;
    auto full = hr2scim({"plan", "--show-all"}, server.token());
    ASSERT_EQ(full.exit_code, 0) << full.out << full.err;
    EXPECT_NE(full.out.find(counts), std::string::npos) << full.out;
    const auto listed = operations(full.out);
    ASSERT_EQ(listed.size(), 36U) << full.out;
    EXPECT_EQ(operations(shortened.out),
              std::vector<std::string>(listed.begin(), listed.begin() + 2));
    EXPECT_EQ(listed[18], "manager P0006") << "links follow the creates, in key order";
    EXPECT_EQ(listed[19], "manager P0014");

    const auto file = dir.path() / "plan.json";
    auto written = hr2scim({"plan", "--show", "2", "--out", file.string()}, server.token());
    ASSERT_EQ(written.exit_code, 0) << written.out << written.err;
    const auto plan = nlohmann::json::parse(read_file(file.string()));
    ASSERT_EQ(plan["operations"].size(), 36U);
    std::map<std::string, size_t> create_of;
    for (const auto& operation : plan["operations"])
        if (operation["kind"] == "create") create_of[operation["key"]] = operation["id"];
    for (const auto& operation : plan["operations"]) {
        if (operation["kind"] != "link manager of") continue;
        const std::string key = operation["key"];
        if (key == "P0006") {
            EXPECT_EQ(operation["depends_on"], nlohmann::json::array({create_of["P0020"]}));
        } else {
            EXPECT_EQ(operation["depends_on"],
                      nlohmann::json::array({create_of[operation["manager_key"]], create_of[key]}))
                << key;
        }
    }

    auto synced = sync();
    ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
    EXPECT_EQ(server.user_with_external_id("P0006")[k_enterprise]["manager"]["value"],
              server.user_with_external_id("P0020")["id"]);
    for (int i = 14; i <= 30; ++i)
        EXPECT_EQ(server.user_with_external_id("P00" +
                                               std::to_string(i))[k_enterprise]["manager"]["value"],
                  server.user_with_external_id("P00" + std::to_string(i - 1))["id"])
            << i;
}

// Creates keep their bodies packed in the plan: a reviewed plan file must still hold each body
// whole, and applying it must create exactly those users.
TEST_F(AtAGlanceTest, APlanFileOfPackedCreatesHoldsAndAppliesEveryBody) {
    write_people(30, [](int i) { return person(i); });
    const auto plan_file = dir.path() / "reviewed.json";
    auto planned = hr2scim({"plan", "--out", plan_file.string()}, server.token());
    ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    auto reviewed = nlohmann::json::parse(read_file(plan_file));
    ASSERT_EQ(reviewed["operations"].size(), 56U); // 30 creates, 26 manager links (P0005 on)
    const auto& first = reviewed["operations"][0];
    EXPECT_EQ(first["kind"], "create");
    EXPECT_EQ(first["body"]["userName"], "p1@example.com");
    EXPECT_EQ(first["body"]["name"]["familyName"], "Last1");
    auto applied = hr2scim({"apply", plan_file.string()}, server.token());
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    ASSERT_EQ(server.users().size(), 30U);
    auto report = server.user_with_external_id("P0017");
    EXPECT_EQ(report["displayName"], "First17 Last17");
    EXPECT_EQ(report[k_enterprise]["manager"]["value"],
              server.user_with_external_id("P0003")["id"]);
    EXPECT_EQ(server.count_requests("POST"), 30U);
}

TEST_F(AtAGlanceTest, AKeyTwiceInAStreamedFileIsNobodysAndProtected) {
    write_people(6, [](int i) { return person(i); });
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    // P0004 twice, with different titles: neither row is the truth; the account is left alone.
    write_people(6, [](int i) {
        return i == 4 ? person(4, "Director") + person(4, "Intern") : person(i, "Engineer II");
    });
    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err; // partial: rows rejected
    EXPECT_NE(result.out.find("key 'P0004' appears more than once (hr.csv:5, hr.csv:6)"),
              std::string::npos)
        << result.out;
    auto held = server.user_with_external_id("P0004");
    EXPECT_EQ(held["title"], "Engineer");
    EXPECT_EQ(held["active"], true);
    EXPECT_EQ(server.user_with_external_id("P0005")["title"], "Engineer II");
    EXPECT_EQ(server.count_requests("PATCH"), 5U) << server.requests().dump();
}

// After the upgrade to XXH3 fingerprints (schema 10), a loaded state is still unchanged at a
// glance: plan reads it unmigrated, sync migrates it, neither reads a body, nothing is sent.
TEST_F(AtAGlanceTest, AStateFingerprintedWithFnv1aIsUnchangedAtAGlanceAfterTheUpgrade) {
    write_people(12, [](int i) { return person(i); });
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(sync().exit_code, 0); // the manager links
    fingerprint_state_with_fnv1a();
    server.clear_requests();

    auto planned = hr2scim({"plan", "--log-level", "debug"}, server.token());
    ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    EXPECT_NE(planned.out.find("12 unchanged"), std::string::npos) << planned.out;
    EXPECT_NE(planned.err.find("planning reads 0 of 12 stored bodies"), std::string::npos)
        << planned.err;
    EXPECT_EQ(schema_version(), 9) << "plan migrates nothing";

    auto synced = hr2scim({"sync", "--log-level", "debug"}, server.token());
    ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
    EXPECT_NE(synced.out.find("12 unchanged"), std::string::npos) << synced.out;
    EXPECT_NE(synced.err.find("planning reads 0 of 12 stored bodies"), std::string::npos)
        << synced.err;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();
    EXPECT_EQ(schema_version(), state::k_schema_version);
}

// A plan file made from a state before the upgrade (by this hr2scim, which reads it without
// migrating) still applies after apply migrated the state.
TEST_F(AtAGlanceTest, APlanFileMadeFromAnUnmigratedStateApplies) {
    write_people(12, [](int i) { return person(i); });
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(sync().exit_code, 0);
    fingerprint_state_with_fnv1a();
    write_people(12, [](int i) { return i == 7 ? person(i, "Principal Engineer") : person(i); });
    const auto plan_file = dir.path() / "reviewed.json";
    auto planned = hr2scim({"plan", "--out", plan_file.string()}, server.token());
    ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    server.clear_requests();
    auto applied = hr2scim({"apply", plan_file.string()}, server.token());
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("matches the config, the mapping and the state"), std::string::npos)
        << applied.out;
    EXPECT_EQ(server.user_with_external_id("P0007")["title"], "Principal Engineer");
    EXPECT_EQ(server.count_requests("PATCH") + server.count_requests("PUT"), 1U)
        << server.requests().dump();
    EXPECT_EQ(schema_version(), state::k_schema_version);
}

} // namespace
} // namespace hr2scim::testing
