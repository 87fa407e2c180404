// plan --html: a page an approver can read, checked in a real headless browser (Debian's
// chromium): it renders, its numbers are the JSON plan's, what HR data holds is text, and a
// screenshot goes to the tests' artifacts (issue 26, item 7).
#include "tests/integration/headless_browser.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <regex>

namespace hr2scim::testing {
namespace {

class PlanHtmlTest : public SyncTest {
  protected:
    HeadlessBrowser browser{dir.path() / "profile"};
};

TEST_F(PlanHtmlTest, APlanWithWithheldLeaversRendersWithThePlansNumbersAndItsApproveCommand) {
    ASSERT_EQ(sync().exit_code, 0);
    write_config("safety:\n  max_deactivations: 1\n  confirm_absence: 1\n");
    // A change whose value is markup, a joiner, and two leavers a gate withholds.
    std::string csv = replace_once(example_csv(), "Rear Admiral", "<script>alert(1)</script>");
    csv = without_line(without_line(csv, "E1005,"), "E1006,");
    csv += "E2001,Katherine,Johnson,katherine.johnson@example.com,Mathematician,Research,CC-300,,"
           "\n";
    write_csv(csv);
    const auto json_file = dir.path() / "plan.json";
    const auto html_file = dir.path() / "plan.html";
    auto planned = hr2scim({"plan", "--out", json_file.string(), "--html", html_file.string()},
                           server.token());
    ASSERT_EQ(planned.exit_code, 3) << planned.out << planned.err;
    EXPECT_EQ(std::filesystem::status(html_file).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    const auto plan = nlohmann::json::parse(read_file(json_file));
    std::map<std::string, size_t> by_kind;
    for (const auto& operation : plan["operations"])
        ++by_kind[operation["kind"].get<std::string>()];
    ASSERT_EQ(by_kind["create"], 1U);
    ASSERT_EQ(plan["withheld"].size(), 2U);
    const std::string digest = plan["withheld_digest"];

    const auto html = read_file(html_file);
    EXPECT_EQ(html.find("src="), std::string::npos) << "nothing loads from anywhere";
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);

    auto rendered = browser.dom(html_file);
    ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
    const auto& dom = rendered.out;
    // Counted by the browser from what it rendered, against the plan file.
    EXPECT_EQ(attribute_after(dom, "<body", "data-rendered-changes"),
              std::to_string(plan["operations"].size()))
        << dom;
    EXPECT_EQ(attribute_after(dom, "<body", "data-rendered-withheld"), "2") << dom;
    for (const auto& [kind, count] : by_kind)
        EXPECT_EQ(count_shown(dom, kind), count) << kind;
    expect_withheld_set(dom, dir.path() / "config.yaml", digest);
    EXPECT_NE(dom.find("data-key=\"E1005\""), std::string::npos) << "a withheld leaver, by key";
    EXPECT_NE(dom.find("Rear Admiral"), std::string::npos) << "the title before";
    EXPECT_EQ(dom.find("<script>alert"), std::string::npos) << "HR data is text, never markup";

    // The screenshot, kept with the tests' other outputs.
    browser.screenshot(html_file, "plan.png");
}

// The approve command the page prints is the one that sends the withheld set.
TEST_F(PlanHtmlTest, TheApproveCommandOnThePageSendsExactlyTheWithheldSet) {
    ASSERT_EQ(sync().exit_code, 0);
    write_config("safety:\n  max_deactivations: 1\n  confirm_absence: 1\n");
    write_csv(without_line(without_line(example_csv(), "E1005,"), "E1006,"));
    const auto html_file = dir.path() / "plan.html";
    ASSERT_EQ(hr2scim({"plan", "--html", html_file.string()}, server.token()).exit_code, 3);
    std::smatch command;
    const auto html = read_file(html_file);
    ASSERT_TRUE(std::regex_search(html, command,
                                  std::regex("<code id=\"approve\">hr2scim sync -c (\\S+) "
                                             "--approve-withheld ([0-9a-f]+)</code>")))
        << html;
    auto approved =
        run_process({HR2SCIM_BINARY, "sync", "-c", command[1], "--approve-withheld", command[2]},
                    {{"HR2SCIM_TEST_TOKEN", server.token()}});
    EXPECT_EQ(approved.exit_code, 0) << approved.out << approved.err;
    EXPECT_EQ(server.user_with_external_id("E1005")["active"], false);
    EXPECT_EQ(server.user_with_external_id("E1006")["active"], false);
    EXPECT_EQ(server.active_users(), 8U);
}

} // namespace
} // namespace hr2scim::testing
