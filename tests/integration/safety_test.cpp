// Safety gates and untrustworthy sources: nobody is deactivated because of a bad read.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>

namespace hr2scim::testing {
namespace {

// The export with Alan Turing, Katherine Johnson and Edsger Dijkstra gone.
std::string three_leave(std::string csv) {
    for (const char* key : {"E1004,", "E1005,", "E1006,"})
        csv = without_line(csv, key);
    return csv;
}

constexpr int k_safety_stop = 3;
constexpr int k_failed = 1;
constexpr int k_partial = 2;

std::string header_of(const std::string& csv) {
    return csv.substr(0, csv.find('\n') + 1);
}

TEST_F(SyncTest, AnEmptySourceDeactivatesNobodyAndStopsWithTheSafetyCode) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    write_csv(header_of(example_csv()));

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_safety_stop) << result.out << result.err;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_NE(result.out.find("the source returned no records"), std::string::npos) << result.out;
}

TEST_F(SyncTest, MoreDeactivationsThanTheLimitAreWithheldButOtherChangesApply) {
    write_config("safety:\n  max_deactivations: 2\n");
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(three_leave(example_csv()));
    ASSERT_EQ(sync().exit_code, 0); // absent once: the next read confirms it, and meets the gate
    server.clear_requests();
    auto csv = three_leave(replace_once(example_csv(), "Rear Admiral", "Commodore"));
    write_csv(csv);

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_safety_stop) << result.out << result.err;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore")
        << "the update still applies";
    EXPECT_EQ(server.requests().size(), 1U);
    EXPECT_NE(result.out.find("3 deactivations and deletions exceed the limit of 2"),
              std::string::npos)
        << result.out;

    // An admin who confirms the departures lifts the gate for one run.
    auto confirmed = hr2scim({"sync", "--max-deactivations", "3"}, server.token());
    EXPECT_EQ(confirmed.exit_code, 0) << confirmed.out << confirmed.err;
    EXPECT_EQ(server.active_users(), 7U);
}

TEST_F(SyncTest, MoreThanTheShareOfDeactivationsIsWithheld) {
    write_config("safety:\n  max_deactivations: 100\n  max_deactivation_percent: 20\n");
    ASSERT_EQ(sync().exit_code, 0);
    auto csv = three_leave(example_csv());
    write_csv(csv);
    ASSERT_EQ(sync().exit_code, 0); // absent once: the next read confirms it, and meets the gate

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_safety_stop) << result.out << result.err;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_NE(result.out.find("(30%) exceed the limit of 20%"), std::string::npos) << result.out;
}

TEST_F(SyncTest, ATruncatedFileFailsTheSourceAndDeactivatesNobody) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    // The export was cut off inside a quoted field: the rows after it are missing.
    auto csv = example_csv();
    write_csv(csv.substr(0, csv.find("E1008,")) +
              "E1008,Tim,Berners-Lee,tim@example.com,Director,\"Standards");

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_failed) << result.out << result.err;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(server.requests().size(), 0U);
    EXPECT_NE(result.out.find("SOURCE FAILED: hr.csv:9: a quoted field"), std::string::npos)
        << result.out;
}

TEST_F(SyncTest, AMalformedRowIsRejectedWithItsLineAndNobodyIsDeactivated) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    // Row E1004 is damaged beyond knowing whose it is; E1006 really left.
    auto csv = without_line(example_csv(), "E1006,");
    csv = replace_once(csv, "E1004,Alan,Turing,", "E1004,Alan,Tu\"ring,");
    csv = replace_once(csv, "Rear Admiral", "Commodore");
    write_csv(csv);

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_partial) << result.out << result.err;
    EXPECT_NE(result.out.find("hr.csv:5: column 14: a quote inside an unquoted field"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.active_users(), 10U)
        << "an unreadable row could be anyone: nobody is deactivated";
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore")
        << "the rest of the file still syncs";
}

TEST_F(SyncTest, ARecordRejectedByMappingLeavesItsUserAlone) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    // E1004 loses its email: userName maps to nothing, so the record is rejected.
    write_csv(replace_once(example_csv(), "alan.turing@example.com", ""));

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_partial) << result.out << result.err;
    EXPECT_NE(result.out.find("hr.csv:5: userName is empty"), std::string::npos) << result.out;
    EXPECT_EQ(server.user_with_external_id("E1004")["active"], true);
    EXPECT_EQ(server.requests().size(), 0U);
}

TEST_F(SyncTest, AMissingSourceFileFailsClearlyAndSendsNothing) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    std::filesystem::remove(dir.path() / "hr.csv");

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_failed) << result.out << result.err;
    EXPECT_NE(result.out.find("cannot open"), std::string::npos) << result.out;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(server.requests().size(), 0U);
}

TEST_F(SyncTest, ARenamedColumnStopsTheRunBeforeAnythingIsSent) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    // Without this check every user's title would be removed.
    write_csv(replace_once(example_csv(), "job_title", "position"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, k_failed) << result.out << result.err;
    EXPECT_NE(result.err.find("'job_title' is not an attribute of the source"), std::string::npos)
        << result.err;
    EXPECT_EQ(server.requests().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

TEST_F(SyncTest, FewerRecordsThanTheMinimumFailTheSource) {
    write_config("safety:\n  max_deactivations: 100\n  max_deactivation_percent: 100\n");
    ASSERT_EQ(sync().exit_code, 0);
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                "  key_column: employee_id\n",
                                                "  key_column: employee_id\n  min_records: 10\n"));
    write_csv(without_line(example_csv(), "E1004,"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("the source returned 9 records, fewer than source.min_records (10)"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.active_users(), 10U);
}

TEST_F(SyncTest, ASourceThatShrankTooMuchSinceItsLastCompleteReadFails) {
    write_config("safety:\n  max_deactivations: 100\n  max_deactivation_percent: 100\n");
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"),
                                 "  key_column: employee_id\n",
                                 "  key_column: employee_id\n  max_shrink_percent: 25\n"));
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    auto csv = three_leave(example_csv());
    write_csv(csv);

    auto result = sync();
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("the source shrank from 10 to 7 records (30%)"), std::string::npos)
        << result.out;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(server.requests().size(), 0U);

    auto confirmed = hr2scim({"sync", "--allow-shrink"}, server.token());
    EXPECT_EQ(confirmed.exit_code, 0) << confirmed.out << confirmed.err;
    EXPECT_EQ(server.active_users(), 10U) << "the first complete read without them: absent once";
    auto next = sync(); // measured against the accepted read of 7
    EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
    EXPECT_EQ(server.active_users(), 7U);
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// A row rejected for a bad value, whose key was read, protects that one person; the leaver
// beside it is deactivated as usual.
TEST_F(SyncTest, ARowRejectedForABadValueProtectsItsKeyAndLetsOtherLeaversGo) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    auto csv = without_line(example_csv(), "E1006,");
    csv = replace_once(csv, "Rear Admiral", "Rear Admir\xE1l"); // Latin-1, not UTF-8
    write_csv(csv);
    EXPECT_EQ(sync().exit_code, 2); // E1006 absent once; the next read confirms it
    EXPECT_EQ(server.user_with_external_id("E1006")["active"], true);
    server.clear_requests();
    auto result = hr2scim({"sync", "--max-deactivations", "1"}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("hr.csv:4: column 'job_title' is not valid UTF-8"), std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("could not be read far enough"), std::string::npos) << result.out;
    EXPECT_EQ(server.user_with_external_id("E1006")["active"], false) << "the leaver goes";
    EXPECT_EQ(server.user_with_external_id("E1003")["active"], true)
        << "the rejected one is left alone";
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Rear Admiral");
    EXPECT_EQ(server.count_requests("PATCH"), 1U);
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

std::string digest_in(const std::string& out) {
    auto at = out.find("Withheld set ");
    return at == std::string::npos ? std::string() : out.substr(at + 13, 12);
}

// After an admin reviewed a withheld set, the HR file changed: the approval applies nothing
// nobody reviewed. Approving the set as it stands applies exactly it.
TEST_F(SyncTest, AnApprovalAppliesExactlyTheReviewedWithheldSet) {
    write_config("safety:\n  max_deactivations: 2\n");
    ASSERT_EQ(sync().exit_code, 0);
    auto csv = three_leave(example_csv());
    // A first read without them (and without E1007, who is back in the next export): absence is
    // confirmed by the next read.
    write_csv(without_line(csv, "E1007,"));
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(csv);
    auto reviewed = plan();
    EXPECT_EQ(reviewed.exit_code, 3) << reviewed.out;
    const auto digest = digest_in(reviewed.out);
    ASSERT_EQ(digest.size(), 12U) << reviewed.out;

    // One more person leaves before the approved run (E1007, absent a second time): not the set
    // that was reviewed.
    write_csv(without_line(csv, "E1007,"));
    server.clear_requests();
    auto changed = hr2scim({"sync", "--approve-withheld", digest}, server.token());
    EXPECT_EQ(changed.exit_code, 3) << changed.out << changed.err;
    EXPECT_NE(changed.out.find("NOT APPLIED"), std::string::npos) << changed.out;
    EXPECT_EQ(server.active_users(), 10U) << "nobody deactivated";

    write_csv(csv);
    auto approved = hr2scim({"sync", "--approve-withheld", digest}, server.token());
    EXPECT_EQ(approved.exit_code, 0) << approved.out << approved.err;
    EXPECT_EQ(server.active_users(), 7U);
    for (const char* gone : {"E1004", "E1005", "E1006"})
        EXPECT_EQ(server.user_with_external_id(gone)["active"], false) << gone;
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// A column blanked in the export would clear department for everybody: withheld like a mass
// deactivation (exit 3), the rest of each update still applies, and an approval sends them.
TEST_F(SyncTest, ClearingAnAttributeForMostUsersIsWithheldUntilApproved) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    std::string csv = example_csv();
    for (const char* department :
         {",Engineering,", ",Operations,", ",Research,", ",\"Standards, Web\",", ",People,"})
        while (csv.find(department) != std::string::npos)
            csv = replace_once(csv, department, ",,");
    write_csv(replace_once(csv, "Rear Admiral", "Commodore"));
    auto result = sync();
    EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
    EXPECT_NE(
        result.out.find("10 users would lose "
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
        std::string::npos)
        << result.out;
    EXPECT_EQ(server.count_requests("PATCH"), 1U) << "only Grace's title";
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore");
    const char* k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    EXPECT_EQ(server.user_with_external_id("E1001")[k_enterprise]["department"], "Engineering");

    const auto digest = digest_in(result.out);
    ASSERT_EQ(digest.size(), 12U) << result.out;
    server.clear_requests();
    auto approved = hr2scim({"sync", "--approve-withheld", digest}, server.token());
    EXPECT_EQ(approved.exit_code, 0) << approved.out << approved.err;
    EXPECT_EQ(server.count_requests("PATCH"), 10U);
    EXPECT_FALSE(server.user_with_external_id("E1001")[k_enterprise].contains("department"));
    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.requests().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// A plan written for review is applied exactly, withheld operations included; a plan made
// before the config, the mapping or the state changed is refused and sends nothing.
TEST_F(SyncTest, APlanFileIsAppliedExactlyAsReviewedOrNotAtAll) {
    write_config("safety:\n  max_deactivations: 2\n");
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(three_leave(example_csv()));
    ASSERT_EQ(sync().exit_code, 0); // absent once: the next read confirms it
    server.clear_requests();
    auto csv = three_leave(replace_once(example_csv(), "Rear Admiral", "Commodore"));
    write_csv(csv);
    const auto plan_file = dir.path() / "reviewed.json";
    auto planned = hr2scim({"plan", "--out", plan_file.string()}, server.token());
    EXPECT_EQ(planned.exit_code, 3) << planned.out << planned.err;
    struct stat info {};
    ASSERT_EQ(::stat(plan_file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U) << "it holds people's data";
    auto reviewed = nlohmann::json::parse(read_file(plan_file));
    EXPECT_EQ(reviewed["hr2scim_plan"], 1);
    EXPECT_EQ(reviewed["operations"].size(), 1U);
    EXPECT_EQ(reviewed["withheld"].size(), 3U);
    EXPECT_EQ(reviewed["operations"][0]["changes"][0]["path"], "title");
    EXPECT_EQ(reviewed["operations"][0]["changes"][0]["before"], "Rear Admiral");
    EXPECT_EQ(server.requests().size(), 0U) << "plan sends nothing";

    // Somebody edits the mapping after the review: refused, nothing sent.
    const auto mapping_path = dir.path() / "mapping.yaml";
    (void)dir.write("mapping.yaml",
                    read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml"));
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"),
                                 std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                                 mapping_path.string()));
    server.clear_requests();
    auto refused = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("NOT APPLIED"), std::string::npos) << refused.out;
    EXPECT_NE(refused.out.find("the config changed"), std::string::npos) << refused.out;
    EXPECT_EQ(server.requests().size(), 0U);

    // A fresh plan, then the mapping is edited: refused.
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 3);
    (void)dir.write("mapping.yaml", read_file(mapping_path) + "# edited after the review\n");
    refused = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(refused.exit_code, 1) << refused.out;
    EXPECT_NE(refused.out.find("the mapping changed"), std::string::npos) << refused.out;
    EXPECT_EQ(server.requests().size(), 0U);

    // A fresh plan, then a sync changes the state before it is applied: refused.
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 3);
    ASSERT_EQ(sync().exit_code, 3); // applies the title change, withholds the rest
    server.clear_requests();
    refused = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(refused.exit_code, 1) << refused.out;
    EXPECT_NE(refused.out.find("the state changed"), std::string::npos) << refused.out;
    EXPECT_EQ(server.requests().size(), 0U);

    // Planned and applied with nothing changed in between: exactly the reviewed operations.
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 3);
    auto applied = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    EXPECT_EQ(server.active_users(), 7U);
    EXPECT_EQ(server.count_requests("PATCH"), 3U);
    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.requests().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing
