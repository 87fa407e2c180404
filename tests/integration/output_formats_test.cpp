// `-o json` for scripts, against real syncs of the example: plan prints the plan file's format
// and nothing else on standard output (its operations are those the text plan counts, and its
// digest verifies), status the runs the state holds, history a person's entries; each checked
// against what the state and the SCIM server hold.

#include "state/plan_file.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <map>
#include <regex>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

class OutputFormatsTest : public SyncTest {
  protected:
    // Standard output as JSON; a test fails (and gets null) when it is anything else.
    static json parsed(const ProcessResult& result) {
        try {
            return json::parse(result.out);
        } catch (const json::exception& error) {
            ADD_FAILURE() << "not JSON (" << error.what() << "):\n" << result.out;
            return {};
        }
    }

    // "Plan: 10 to create, 0 to update, ..., 9 managers to link, 0 unchanged." by kind.
    static std::map<std::string, size_t> summary_counts(const std::string& out) {
        std::map<std::string, size_t> counts;
        const auto start = out.find("Plan: ");
        const auto line = out.substr(start, out.find('\n', start) - start);
        static const std::regex k_part(R"((\d+) (to create|to update|to deactivate|to reactivate|)"
                                       R"(to delete|managers to link))");
        const std::map<std::string, std::string> kinds = {
            {"to create", "create"},         {"to update", "update"},
            {"to deactivate", "deactivate"}, {"to reactivate", "reactivate"},
            {"to delete", "delete"},         {"managers to link", "link_manager_of"}};
        for (std::sregex_iterator part(line.begin(), line.end(), k_part), end; part != end; ++part)
            if (const auto count = std::stoul((*part)[1]); count > 0)
                counts[kinds.at((*part)[2])] = count;
        return counts;
    }

    static std::map<std::string, size_t> kinds_of(const json& operations) {
        std::map<std::string, size_t> counts;
        for (const auto& operation : operations)
            ++counts[operation.at("kind").get<std::string>()];
        return counts;
    }
};

TEST_F(OutputFormatsTest, PlanAsJsonIsThePlanFileAndCountsWhatTheTextPlanCounts) {
    auto text = plan();
    ASSERT_EQ(text.exit_code, 0) << text.err;
    auto printed = hr2scim({"plan", "-o", "json"}, server.token());
    ASSERT_EQ(printed.exit_code, 0) << printed.err;
    const auto file = parsed(printed);
    ASSERT_TRUE(file.is_object());
    EXPECT_EQ(file["hr2scim_plan"], 1);
    const auto counts = summary_counts(text.out);
    EXPECT_EQ(counts.at("create"), 10U) << text.out;
    EXPECT_EQ(kinds_of(file["operations"]), counts) << text.out << printed.out;
    auto verified = state::plan_from_json(file);
    ASSERT_TRUE(verified.has_value()) << verified.error();
    EXPECT_EQ(verified->digest, file["operations_digest"]);
    EXPECT_EQ(printed.out.find("Plan:"), std::string::npos) << "no listing, no summary";
    EXPECT_EQ(server.requests().size(), 0U) << "plan sends nothing";

    // With --out as well: the same document in the file, and only it on standard output.
    const auto out_file = dir.path() / "reviewed.json";
    auto both = hr2scim({"plan", "--output", "json", "--out", out_file.string()}, server.token());
    ASSERT_EQ(both.exit_code, 0) << both.err;
    EXPECT_EQ(json::parse(read_file(out_file)), parsed(both));
    EXPECT_EQ(both.out.find("Plan written"), std::string::npos) << both.out;

    // After a sync and one change: the one update, as the text plan counts it.
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));
    const auto changed = parsed(hr2scim({"plan", "-o", "json"}, server.token()));
    ASSERT_EQ(changed["operations"].size(), 1U) << changed.dump(2);
    EXPECT_EQ(changed["operations"][0]["kind"], "update");
    EXPECT_EQ(changed["operations"][0]["key"], "E1003");
    EXPECT_EQ(kinds_of(changed["operations"]), summary_counts(plan().out));
    EXPECT_TRUE(state::plan_from_json(changed).has_value());
}

TEST_F(OutputFormatsTest, StatusAsJsonHoldsTheRunsOfTheStateAndTheUsersOfTheServer) {
    auto empty = hr2scim({"status", "-o", "json"}, server.token());
    ASSERT_EQ(empty.exit_code, 0) << empty.err;
    EXPECT_EQ(parsed(empty)["targets"], json::array());

    ASSERT_EQ(sync().exit_code, 0);
    write_csv(without_line(replace_once(example_csv(), "Rear Admiral", "Commodore"), "E1004,"));
    ASSERT_EQ(sync().exit_code, 0); // E1003 updated, E1004 absent once
    ASSERT_EQ(sync().exit_code, 0); // E1004 deactivated
    const auto status = parsed(hr2scim({"status", "-o", "json"}, server.token()));
    ASSERT_EQ(status["targets"].size(), 1U) << status.dump(2);
    const auto& target = status["targets"][0];
    EXPECT_EQ(status["state"], state_file().string());
    EXPECT_EQ(target["target"], "test");
    EXPECT_EQ(target["active_users"], server.active_users());
    EXPECT_EQ(target["deactivated_users"], 1);
    ASSERT_EQ(target["runs"].size(), 3U);
    const auto& first = target["runs"][2]; // newest first
    EXPECT_EQ(first["command"], "sync");
    EXPECT_EQ(first["result"], "ok");
    EXPECT_EQ(first["exit_code"], 0);
    EXPECT_EQ(first["created"], server.users().size()) << "the first run created every user";
    EXPECT_EQ(target["runs"][1]["updated"], 1);
    EXPECT_EQ(target["runs"][0]["deactivated"], 1);
    EXPECT_EQ(target["last_success"], target["runs"][0]["finished_at"]);
    EXPECT_LT(target["runs"][1]["id"], target["runs"][0]["id"]);

    // The text says the same.
    const auto text = hr2scim({"status"}, server.token()).out;
    EXPECT_NE(text.find("Target \"test\": " + target["active_users"].dump() +
                        " active, 1 deactivated; last success " +
                        target["last_success"].get<std::string>()),
              std::string::npos)
        << text;
    EXPECT_EQ(parsed(hr2scim({"status", "-o", "json", "--runs", "1"},
                             server.token()))["targets"][0]["runs"]
                  .size(),
              1U);
}

TEST_F(OutputFormatsTest, HistoryAsJsonHoldsAPersonsEntriesAsTheServerEndedUp) {
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));
    ASSERT_EQ(sync().exit_code, 0);
    auto result = hr2scim({"history", "e1003", "-o", "json"}, server.token());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto history = parsed(result);
    EXPECT_EQ(history["key"], "e1003");
    const auto& entries = history["entries"];
    ASSERT_EQ(entries.size(), 2U) << history.dump(2);
    EXPECT_EQ(entries[0]["operation"], "create");
    EXPECT_EQ(entries[0]["outcome"], "done");
    EXPECT_EQ(entries[0]["changes"], json::array());
    EXPECT_NE(std::ranges::find(entries[0]["set"], "userName"), entries[0]["set"].end())
        << entries[0].dump();
    EXPECT_EQ(entries[1]["operation"], "update");
    EXPECT_EQ(entries[1]["target"], "test");
    EXPECT_LT(entries[0]["run"], entries[1]["run"]);
    ASSERT_EQ(entries[1]["changes"].size(), 1U) << entries[1].dump();
    const auto& change = entries[1]["changes"][0];
    EXPECT_EQ(change["attribute"], "title");
    EXPECT_EQ(change["from"], "Rear Admiral");
    EXPECT_EQ(change["to"], server.user_with_external_id("E1003")["title"]);
    EXPECT_TRUE(entries[1]["message"].is_null());
    // The runs are those status lists.
    const auto status = parsed(hr2scim({"status", "-o", "json"}, server.token()));
    EXPECT_EQ(entries[1]["run"], status["targets"][0]["runs"][0]["id"]);

    auto unknown = hr2scim({"history", "E9999", "-o", "json"}, server.token());
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_EQ(parsed(unknown)["entries"], json::array());
    EXPECT_NE(unknown.err.find("No history for E9999"), std::string::npos) << unknown.err;
}

TEST_F(OutputFormatsTest, AnOutputFormatOtherThanTextOrJsonIsAUsageError) {
    auto wrong = hr2scim({"status", "-o", "yaml"}, server.token());
    EXPECT_EQ(wrong.exit_code, 64);
    EXPECT_NE(wrong.err.find("yaml"), std::string::npos) << wrong.err;
    EXPECT_EQ(hr2scim({"sync", "-o", "json"}, server.token()).exit_code, 64)
        << "sync prints no JSON: it does not take -o";
}

} // namespace
} // namespace hr2scim::testing
