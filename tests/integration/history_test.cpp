// The audit trail, read back with `hr2scim history KEY` after real syncs against the test
// server: a hire, a change and a leave, each with its run, outcome, change and reason;
// sensitive values redacted; a withheld deactivation and a rejected record recorded once,
// not every run; old entries pruned after audit.keep_days.

#include "state/sqlite.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

class HistoryTest : public SyncTest {
  protected:
    ProcessResult history(const std::string& key) {
        return hr2scim({"history", key}, server.token());
    }

    [[nodiscard]] int64_t audit_rows(const std::string& where = "1") const {
        state::Database db(state_file(), true);
        auto count = db.prepare("SELECT count(*) FROM audit WHERE " + where);
        EXPECT_TRUE(count.step());
        return count.integer(0);
    }

    // Where `text` first appears in `out`, or npos.
    static size_t at(const std::string& out, const std::string& text) { return out.find(text); }
};

TEST_F(HistoryTest, AHireAChangeAndALeaveAreAnsweredWithRunOutcomeChangeAndReason) {
    ASSERT_EQ(sync().exit_code, 0);
    auto csv = replace_once(example_csv(), "Principal Engineer", "Analytical Engineer");
    write_csv(csv);
    auto changed = sync();
    ASSERT_EQ(changed.exit_code, 0) << changed.out << changed.err;
    write_csv(without_line(csv, "E1002,"));
    ASSERT_EQ(sync().exit_code, 0); // absent once: nothing sent, nothing in the trail
    ASSERT_EQ(sync().exit_code, 0); // absent again: deactivated
    ASSERT_FALSE(server.user_with_external_id("E1002")["active"].get<bool>())
        << "the server holds the leaver as deactivated";

    auto result = history("e1002"); // keys compare ignoring case, as the source's do
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto& out = result.out;
    EXPECT_NE(at(out, "History of e1002 (3 entries, oldest first)"), std::string::npos) << out;
    const auto create = at(out, "run 1     test         create           done");
    const auto update = at(out, "run 2     test         update           done");
    const auto deactivate = at(out, "run 4     test         deactivate       done");
    ASSERT_TRUE(create != std::string::npos && update != std::string::npos &&
                deactivate != std::string::npos)
        << out;
    EXPECT_TRUE(create < update && update < deactivate) << out;
    EXPECT_NE(at(out, "set: "), std::string::npos) << out;
    EXPECT_NE(at(out, R"(title: "Principal Engineer" -> "Analytical Engineer")"), std::string::npos)
        << out;
    EXPECT_NE(at(out, "active: true -> false"), std::string::npos) << out;
    EXPECT_NE(at(out, "why: not in the source"), std::string::npos) << out;
}

TEST_F(HistoryTest, SensitiveValuesAreRedactedButTheirChangeIsRecorded) {
    write_config("audit:\n  sensitive: [phoneNumbers]\n");
    ASSERT_EQ(sync().exit_code, 0);
    auto csv = example_csv();
    const auto line_start = csv.find("E1001,");
    const auto phone = csv.find("+44", line_start);
    const auto old_phone = csv.substr(phone, csv.find(',', phone) - phone);
    write_csv(replace_once(csv, old_phone, "+44 20 7946 0777"));
    ASSERT_EQ(sync().exit_code, 0);
    auto result = history("E1001");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(at(result.out, "\"(redacted)\" -> \"(redacted)\""), std::string::npos) << result.out;
    EXPECT_EQ(at(result.out, "0777"), std::string::npos) << "the new number is not in the trail";
    EXPECT_EQ(at(result.out, old_phone), std::string::npos) << "nor the old one";
    EXPECT_EQ(audit_rows("attributes LIKE '%0777%'"), 0) << "nor in the state";
}

TEST_F(HistoryTest, AWithheldDeactivationAndARejectedRecordAreRecordedOnce) {
    write_config("safety:\n  max_deactivations: 1\n");
    ASSERT_EQ(sync().exit_code, 0);
    auto csv = without_line(without_line(example_csv(), "E1003,"), "E1004,");
    csv +=
        csv.substr(csv.find("E1005,"), csv.find('\n', csv.find("E1005,")) - csv.find("E1005,") + 1);
    write_csv(csv);                 // two leavers (over the limit) and E1005 twice (rejected)
    EXPECT_EQ(sync().exit_code, 2); // the leavers absent once; E1005 rejected
    for (int run = 0; run < 3; ++run)
        EXPECT_EQ(sync().exit_code, 3);
    auto result = history("E1003");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(at(result.out, "deactivate       withheld"), std::string::npos) << result.out;
    EXPECT_NE(at(result.out, "because: 2 deactivations and deletions exceed the limit of 1"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(audit_rows("source_key = 'E1003' AND status = 'withheld'"), 1)
        << "three runs, one entry";
    auto rejected = history("E1005");
    EXPECT_NE(at(rejected.out, "reject record    rejected"), std::string::npos) << rejected.out;
    EXPECT_EQ(audit_rows("source_key = 'E1005' AND status = 'rejected'"), 1);
    EXPECT_EQ(history("E9999").exit_code, 1) << "a key with no history";
}

TEST_F(HistoryTest, EntriesOlderThanKeepDaysArePrunedAfterASync) {
    write_config("audit:\n  keep_days: 30\n");
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(audit_rows(), 10);
    {
        state::Database db(state_file());
        db.execute("UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE source_key <> 'E1001'");
    }
    write_csv(replace_once(example_csv(), "Principal Engineer", "Analytical Engineer"));
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(audit_rows(), 2) << "E1001's create and E1002's new update are younger than 30 days";
    EXPECT_EQ(audit_rows("at < '2021'"), 0);
}

} // namespace
} // namespace hr2scim::testing
