// A target's published budget (the test server's budget mode, Slack's shape scaled from a
// minute to a second), offboarding first, and a first load spread over runs: each checked on
// the server's side (what it holds, the requests it saw and when, the 429s it answered).
#include "state/sqlite.hpp"
#include "sync_fixture.hpp"

#include <algorithm>
#include <map>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

class BudgetTest : public SyncTest {
  protected:
    // `count` people P1000...; `from` shifts the first number (new joiners after old ones).
    static std::string people(int count, int from = 0) {
        std::string csv = "employee_id,first_name,last_name,email,job_title,department,"
                          "cost_center,mobile,manager_id\n";
        for (int i = from; i < from + count; ++i)
            csv += "P" + std::to_string(1000 + i) + ",F" + std::to_string(i) + ",L,p" +
                   std::to_string(i) + "@example.com,T,D,C,,\n";
        return csv;
    }

    void use_budget(const std::string& budget, const std::string& more = {}) {
        write_config("safety:\n  confirm_absence: 1\n  max_deactivation_percent: 100\n" + more);
        (void)dir.write("config.yaml",
                        replace_once(read_file(dir.path() / "config.yaml"), "timeout_seconds: 20",
                                     "timeout_seconds: 20\n  budget:\n" + budget));
    }

    // The writes the server answered (not 429), in the order it saw them.
    std::vector<json> writes() {
        std::vector<json> seen;
        for (const auto& request : server.requests())
            if (request["method"] != "GET" && request["status"] != 429) seen.push_back(request);
        return seen;
    }

    // The most writes the server let through in any `window_ms`.
    size_t busiest_window(long long window_ms) {
        const auto seen = writes();
        size_t most = 0;
        for (size_t first = 0, last = 0; last < seen.size(); ++last) {
            while (seen[last]["at"].get<long long>() - seen[first]["at"].get<long long>() >=
                   window_ms)
                ++first;
            most = std::max(most, last - first + 1);
        }
        return most;
    }

    // Everything the server saw since it was last cleared, discovery included, and the writes.
    size_t requests_seen() { return server.all_requests().size(); }
    size_t writes_seen() {
        size_t count = 0;
        for (const auto& request : server.all_requests())
            count += request["method"] == "GET" || request["method"] == "HEAD" ? 0 : 1;
        return count;
    }

    // Every run recorded so far, 25 hours older: the vendor's 24-hour window has passed them.
    void age_recorded_runs() {
        state::Database db(state_file());
        db.execute("UPDATE runs SET "
                   "started_at = strftime('%Y-%m-%dT%H:%M:%fZ', started_at, '-25 hours'), "
                   "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', finished_at, '-25 hours')");
    }

    std::map<std::string, int> accounts_by_external_id() {
        std::map<std::string, int> held;
        for (const auto& user : server.users())
            ++held[user.value("externalId", "")];
        return held;
    }
};

TEST_F(BudgetTest, WritesArePacedToThePublishedBudgetAndMeetNo429) {
    write_csv(people(50));
    use_budget("    writes: 20/s\n");
    server.set_mode({{"budget", {{"writes", 20}, {"windowMs", 1000}}}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.budget_rate_limited(), 0) << result.out;
    EXPECT_LE(busiest_window(1000), 20U);
    const auto held = accounts_by_external_id();
    EXPECT_EQ(held.size(), 50U);
    // 50 writes at 19.6/s: the last no sooner than 49 intervals after the first.
    const auto seen = writes();
    ASSERT_EQ(seen.size(), 50U);
    EXPECT_GE(seen.back()["at"].get<long long>() - seen.front()["at"].get<long long>(), 2400);
    EXPECT_NE(result.out.find("Pace: 50 operations at 20/s (target.budget): under a minute."),
              std::string::npos)
        << result.out;
}

TEST_F(BudgetTest, OthersUsingTheSharedBudgetLowerThePaceInsteadOfMeeting429sAllRunLong) {
    // 60 writes a second for every application of the org; others use 24 of them.
    write_csv(people(240));
    use_budget("    writes: 60/s\n");
    server.set_mode({{"budget", {{"writes", 60}, {"windowMs", 1000}, {"background", 24}}}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto held = accounts_by_external_id();
    EXPECT_EQ(held.size(), 240U);
    for (const auto& [id, count] : held)
        EXPECT_EQ(count, 1) << id;
    const int rate_limited = server.budget_rate_limited();
    EXPECT_GE(rate_limited, 1) << "the shared budget was met";
    // A fixed pace at the budget meets the full window again every time its pause ends (6 here
    // when the pace is not lowered); the adapted one settles under what is left.
    EXPECT_LE(rate_limited, 4) << result.out;
    EXPECT_NE(result.out.find("the pace was lowered"), std::string::npos) << result.out;
    EXPECT_LE(busiest_window(1000), 36U);
}

TEST_F(BudgetTest, LeaversAreDeactivatedBeforeTheJoinersQueuedBeforeThem) {
    write_csv(people(10));
    use_budget("    writes: 20/s\n");
    ASSERT_EQ(sync().exit_code, 0);
    std::set<std::string> leaver_ids;
    for (const auto& user : server.users())
        if (user["externalId"] == "P1002" || user["externalId"] == "P1005" ||
            user["externalId"] == "P1009")
            leaver_ids.insert(user["id"].get<std::string>());
    ASSERT_EQ(leaver_ids.size(), 3U);
    // Three leave; forty join (the joiners come first in the file and in the plan).
    std::string csv = people(40, 100);
    for (int i : {0, 1, 3, 4, 6, 7, 8})
        csv += "P" + std::to_string(1000 + i) + ",F" + std::to_string(i) + ",L,p" +
               std::to_string(i) + "@example.com,T,D,C,,\n";
    write_csv(csv);
    server.clear_requests();
    server.set_mode({{"budget", {{"writes", 20}, {"windowMs", 1000}}}});
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto seen = writes();
    ASSERT_EQ(seen.size(), 43U);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(seen[i]["method"], "PATCH") << seen[i].dump();
        const auto path = seen[i]["path"].get<std::string>();
        EXPECT_TRUE(leaver_ids.contains(path.substr(path.rfind('/') + 1))) << path;
    }
    // The three deactivations reached the target within the first 3 slots of 20/s.
    EXPECT_LE(seen[2]["at"].get<long long>() - seen[0]["at"].get<long long>(), 500);
    for (const auto& user : server.users())
        EXPECT_EQ(user["active"], !leaver_ids.contains(user["id"].get<std::string>()))
            << user.dump();
}

TEST_F(BudgetTest, AFirstLoadSpreadOverRunsSendsEachPersonOnceAndSaysWhatIsLeft) {
    write_csv(people(25));
    use_budget("    writes: 50/s\n    operations_per_run: 10\n");
    auto planned = plan();
    EXPECT_NE(planned.out.find("This run sends 10 of them (target.budget.operations_per_run), "
                               "deactivations first; the other 15 wait for the next runs."),
              std::string::npos)
        << planned.out;
    std::vector<size_t> held_after;
    for (int run = 0; run < 4; ++run) {
        auto result = run == 0
                          ? hr2scim({"sync", "--report", (dir.path() / "report.json").string()},
                                    server.token())
                          : sync();
        ASSERT_EQ(result.exit_code, 0) << "left for the next run is not a failure\n"
                                       << result.out << result.err;
        held_after.push_back(server.users().size());
        if (run == 0) {
            EXPECT_NE(result.out.find("15 operations wait for the next run"), std::string::npos)
                << result.out;
        }
    }
    EXPECT_EQ(held_after, (std::vector<size_t>{10, 20, 25, 25}));
    const auto report = json::parse(read_file(dir.path() / "report.json"));
    EXPECT_EQ(report["applied"]["created"], 10) << report.dump();
    EXPECT_EQ(report["applied"]["deferred"], 15) << report.dump();
    EXPECT_EQ(report["applied"]["failed"], 0) << report.dump();
    EXPECT_EQ(report["estimate"]["operations"], 25) << report.dump();
    EXPECT_EQ(report["estimate"]["this_run"], 10) << report.dump();
    EXPECT_EQ(report["estimate"]["pace"], "50/s (target.budget)") << report.dump();
    EXPECT_EQ(server.count_requests("POST"), 25U) << "no create sent twice";
    for (const auto& [id, count] : accounts_by_external_id())
        EXPECT_EQ(count, 1) << id;
    EXPECT_NE(plan().out.find("No changes"), std::string::npos);
}

TEST_F(BudgetTest, ADailyWriteCapHoldsAcrossRunsAndTheNextDayContinuesWithoutDuplicates) {
    write_csv(people(25));
    use_budget("    writes_per_day: 12\n");
    auto planned = plan();
    EXPECT_NE(planned.out.find("Daily cap: 12 of 12 writes left in the last 24 hours "
                               "(target.budget.writes_per_day)."),
              std::string::npos)
        << planned.out;
    EXPECT_NE(planned.out.find("This run sends 12 of them (target.budget.writes_per_day)"),
              std::string::npos)
        << planned.out;

    auto first =
        hr2scim({"sync", "--report", (dir.path() / "report.json").string()}, server.token());
    ASSERT_EQ(first.exit_code, 0) << "left for tomorrow is not a failure\n"
                                  << first.out << first.err;
    EXPECT_EQ(writes_seen(), 12U) << "the cap, and no more";
    EXPECT_EQ(server.users().size(), 12U);
    EXPECT_NE(first.out.find("13 operations wait for the next run"), std::string::npos)
        << first.out;
    const auto report = json::parse(read_file(dir.path() / "report.json"));
    EXPECT_EQ(report["applied"]["deferred"], 13) << report.dump();
    EXPECT_EQ(report["applied"]["failed"], 0) << report.dump();
    EXPECT_EQ(report["estimate"]["this_run"], 12) << report.dump();
    EXPECT_EQ(report["estimate"]["run_limit"], "target.budget.writes_per_day") << report.dump();
    EXPECT_EQ(report["estimate"]["daily_caps"]["writes"]["left"], 12) << report.dump();
    size_t posts = server.count_requests("POST");

    // Straight after: the cap is spent, and nothing at all reaches the target.
    server.clear_requests();
    auto second = sync();
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(requests_seen(), 0U) << "not even a read";
    EXPECT_NE(second.out.find("The daily cap of 12 writes (target.budget.writes_per_day) is "
                              "spent: 12 sent since "),
              std::string::npos)
        << second.out;
    EXPECT_NE(second.out.find("; the next run continues after "), std::string::npos) << second.out;
    EXPECT_EQ(server.users().size(), 12U);

    // A day later the cap is whole again: the next 12, then the last one.
    for (const size_t held : {24U, 25U}) {
        age_recorded_runs();
        server.clear_requests();
        auto next = sync();
        ASSERT_EQ(next.exit_code, 0) << next.out << next.err;
        EXPECT_LE(writes_seen(), 12U);
        EXPECT_EQ(server.users().size(), held) << next.out;
        posts += server.count_requests("POST");
    }
    EXPECT_EQ(posts, 25U) << "each person created once";
    const auto accounts = accounts_by_external_id();
    EXPECT_EQ(accounts.size(), 25U);
    for (const auto& [id, count] : accounts)
        EXPECT_EQ(count, 1) << id;
}

// `apply FILE` is held to the cap and records what it sent, so that the sync after it is too.
TEST_F(BudgetTest, ADailyCapHoldsForAReviewedPlanFileAndCountsWhatItSent) {
    write_csv(people(25));
    use_budget("    writes_per_day: 12\n");
    const auto plan_file = dir.path() / "plan.json";
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 0);
    auto applied = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(applied.exit_code, 0) << "left for a later run, as sync says: not a failure\n"
                                    << applied.out << applied.err;
    EXPECT_NE(applied.out.find("13 left for the next run"), std::string::npos) << applied.out;
    EXPECT_EQ(writes_seen(), 12U) << applied.out << applied.err;
    EXPECT_EQ(server.users().size(), 12U);
    server.clear_requests();
    auto next = sync();
    ASSERT_EQ(next.exit_code, 0) << next.out << next.err;
    EXPECT_EQ(requests_seen(), 0U) << next.out;
    EXPECT_NE(next.out.find("The daily cap of 12 writes (target.budget.writes_per_day) is spent: "
                            "12 sent since "),
              std::string::npos)
        << next.out;
}

// A cap on every request: preflight's reads and each create's read-back count too.
TEST_F(BudgetTest, ADailyRequestCapCountsTheReadsAndIsNeverPassed) {
    write_csv(people(25));
    use_budget("    requests_per_day: 20\n");
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    const auto seen = requests_seen();
    EXPECT_LE(seen, 20U) << first.out;
    const size_t created = server.users().size();
    EXPECT_GE(created, 5U) << "what preflight left went to creates";
    EXPECT_EQ(server.count_requests("GET"), 1U + created)
        << "a first run's look at the users, and every create read back, counted";
    server.clear_requests();
    auto second = sync();
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(requests_seen(), 0U) << second.out << second.err;
    // Spent, or too little left for preflight and one create: either way nothing goes.
    EXPECT_NE(second.out.find("The daily cap of 20 requests (target.budget.requests_per_day) "),
              std::string::npos)
        << second.out;
    EXPECT_NE(second.out.find(": " + std::to_string(seen) + " sent since "), std::string::npos)
        << second.out;
}

TEST_F(BudgetTest, AMistypedBudgetNamesTheSettingAndTheFormsItTakes) {
    use_budget("    writes: 180/fortnight\n");
    auto result = sync();
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("target.budget.writes"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("180/min"), std::string::npos) << result.err;
    EXPECT_EQ(server.requests().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing
