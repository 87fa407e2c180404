// Absence is confirmed over two complete reads: an export cut cleanly at a line boundary
// deactivates nobody, and the same absence in the next read does. Leavers with a termination
// date and scope changes are not delayed. Checked on the server.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

const std::string k_header = "employee_id,first_name,last_name,email,worker_type,start_date,end_"
                             "date,time_zone,manager_id,city,country,badge\n";

std::string key_of(int number) {
    return "E" + std::to_string(2000 + number);
}

// Fifty people, E2001 to E2050, one line each.
std::string row(int number, const std::string& worker_type = "Employee",
                const std::string& end_date = {}) {
    const std::string n = std::to_string(number);
    return key_of(number) + ",First" + n + ",Last" + n + ",p" + n + "@example.com," + worker_type +
           ",2020-01-01," + end_date + ",,,London,GB,B-" + n + "\n";
}

std::string people(int last = 50) {
    std::string csv = k_header;
    for (int i = 1; i <= last; ++i)
        csv += row(i);
    return csv;
}

// Termination dates and scope (worker_type Contractor) come from this mapping.
std::string lifecycle_mapping() {
    return std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/lifecycle_mapping.yaml";
}

class AbsenceTest : public SyncTest {
  protected:
    AbsenceTest() {
        use_mapping(lifecycle_mapping());
        write_csv(people());
    }

    void use_config(const std::string& extra) {
        write_config(extra);
        use_mapping(lifecycle_mapping());
    }

    ProcessResult run_at(const std::string& command, const std::string& instant) {
        return hr2scim({command, "--as-of", instant}, server.token());
    }

    bool active(int number) { return server.user_with_external_id(key_of(number))["active"]; }

    // How many of E2044 to E2050 are active on the server.
    size_t cut_ones_active() {
        size_t count = 0;
        for (int i = 44; i <= 50; ++i)
            count += active(i) ? 1 : 0;
        return count;
    }
};

constexpr const char* k_day1 = "2026-12-01T02:00:00Z";
constexpr const char* k_day2 = "2026-12-02T02:00:00Z";
constexpr const char* k_day3 = "2026-12-03T02:00:00Z";

TEST_F(AbsenceTest, ACleanCutDeactivatesNobodyAndTheSameAbsenceNextRunDoes) {
    ASSERT_EQ(run_at("sync", k_day1).exit_code, 0);
    ASSERT_EQ(server.active_users(), 50U);
    write_csv(people(43)); // cut at a line boundary: the last 7 rows are gone
    server.clear_requests();

    auto plan = run_at("plan", k_day2);
    EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
    EXPECT_NE(plan.out.find("ABSENT, not deactivated yet: 7 users"), std::string::npos) << plan.out;
    EXPECT_NE(plan.out.find("? E2044 (absent once, deactivated next run if still absent)"),
              std::string::npos)
        << plan.out;
    auto first = run_at("sync", k_day2);
    EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("? E2050 (absent once, deactivated next run if still absent)"),
              std::string::npos)
        << first.out;
    EXPECT_EQ(server.active_users(), 50U);
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump();

    auto second = run_at("sync", k_day3);
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(server.active_users(), 43U);
    EXPECT_EQ(cut_ones_active(), 0U);
    EXPECT_EQ(server.count_requests("PATCH"), 7U);
    EXPECT_TRUE(active(43));
}

TEST_F(AbsenceTest, SomeoneBackBetweenTheTwoReadsIsNotDeactivatedAndStartsAgain) {
    ASSERT_EQ(run_at("sync", k_day1).exit_code, 0);
    write_csv(people(43));
    ASSERT_EQ(run_at("sync", k_day2).exit_code, 0);
    write_csv(people(43) + row(44)); // E2044 is back; the six others are still absent
    auto second = run_at("sync", k_day3);
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_TRUE(active(44));
    EXPECT_EQ(cut_ones_active(), 1U) << "the six still absent are deactivated";

    write_csv(people(43)); // absent again: a new first absence, not a second one
    auto third = run_at("sync", "2026-12-04T02:00:00Z");
    EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
    EXPECT_TRUE(active(44)) << third.out;
    EXPECT_NE(third.out.find("? E2044 (absent once"), std::string::npos) << third.out;
}

TEST_F(AbsenceTest, LeaversWithATerminationDateAndScopeChangesAreNotDelayed) {
    ASSERT_EQ(run_at("sync", k_day1).exit_code, 0);
    // In the same cut export: E2001 has a last day that has passed, E2002 became a contractor
    // (out of scope), and the last 7 rows are gone.
    std::string csv = k_header + row(1, "Employee", "2026-11-30") + row(2, "Contractor");
    for (int i = 3; i <= 43; ++i)
        csv += row(i);
    write_csv(csv);
    auto result = run_at("sync", k_day2);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_FALSE(active(1)) << result.out;
    EXPECT_FALSE(active(2)) << result.out;
    EXPECT_EQ(cut_ones_active(), 7U);
    EXPECT_EQ(server.active_users(), 48U);
}

TEST_F(AbsenceTest, ConfirmAbsenceOneDeactivatesOnTheFirstAbsenceAsBefore) {
    use_config("safety:\n  confirm_absence: 1\n");
    ASSERT_EQ(run_at("sync", k_day1).exit_code, 0);
    write_csv(people(43));
    auto result = run_at("sync", k_day2);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(cut_ones_active(), 0U);
    EXPECT_EQ(server.active_users(), 43U);
}

TEST_F(AbsenceTest, AMinimumTimeKeepsThemUntilItHasPassed) {
    use_config("safety:\n  confirm_absence_after: 36h\n");
    ASSERT_EQ(run_at("sync", k_day1).exit_code, 0);
    write_csv(people(43));
    ASSERT_EQ(run_at("sync", k_day2).exit_code, 0);
    auto early = run_at("sync", "2026-12-03T13:59:59Z"); // a second read, 36 h less a second
    EXPECT_EQ(early.exit_code, 0) << early.out << early.err;
    EXPECT_EQ(cut_ones_active(), 7U);
    EXPECT_NE(early.out.find("? E2044 (absent 2 times, deactivated if still absent, not before "
                             "2026-12-03T14:00:00Z)"),
              std::string::npos)
        << early.out;
    auto due = run_at("sync", "2026-12-03T14:00:00Z");
    EXPECT_EQ(due.exit_code, 0) << due.out << due.err;
    EXPECT_EQ(cut_ones_active(), 0U);
}

TEST_F(AbsenceTest, AFailedReadCountsForNothing) {
    ASSERT_EQ(run_at("sync", k_day1).exit_code, 0);
    write_csv(people(43));
    ASSERT_EQ(run_at("sync", k_day2).exit_code, 0);
    // The next export ends inside a quoted field: the source fails; its absence is no second.
    write_csv(people(42) + "E2043,First43,\"Last");
    EXPECT_EQ(run_at("sync", k_day3).exit_code, 1);
    EXPECT_EQ(cut_ones_active(), 7U);
    write_csv(people(43));
    auto after = run_at("sync", "2026-12-04T02:00:00Z");
    EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
    EXPECT_EQ(cut_ones_active(), 0U) << "the mark of the first read is still there: confirmed";
}

TEST_F(AbsenceTest, AnUnknownConfirmAbsenceValueIsAConfigErrorWithItsLine) {
    use_config("safety:\n  confirm_absence: 0\n");
    auto result = run_at("validate", k_day1);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("config.yaml:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("safety.confirm_absence"), std::string::npos) << result.err;
    use_config("safety:\n  confirm_absence_after: soon\n");
    result = run_at("validate", k_day1);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("safety.confirm_absence_after must be an interval"),
              std::string::npos)
        << result.err;
}

} // namespace
} // namespace hr2scim::testing
