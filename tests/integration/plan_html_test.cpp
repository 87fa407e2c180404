// plan --html: a page an approver can read, checked in a real headless browser (Debian's
// chromium): it renders, its numbers are the JSON plan's, what HR data holds is text, and a
// screenshot goes to the tests' artifacts (issue 26, item 7).
#include "tests/integration/sync_fixture.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <regex>

namespace hr2scim::testing {
namespace {

class PlanHtmlTest : public SyncTest {
  protected:
    // chromium, headless, as root in a container (no sandbox), with a profile of its own.
    ProcessResult browse(const std::vector<std::string>& what) {
        std::vector<std::string> argv = {"timeout",
                                         "120",
                                         "chromium",
                                         "--headless",
                                         "--no-sandbox",
                                         "--disable-gpu",
                                         "--disable-dev-shm-usage",
                                         "--user-data-dir=" + (dir.path() / "profile").string()};
        argv.insert(argv.end(), what.begin(), what.end());
        return run_process(argv);
    }

    // The value of `attribute` on the element the DOM names with `marker`.
    static std::string attribute_after(const std::string& dom, const std::string& marker,
                                       const std::string& attribute) {
        const auto at = dom.find(marker);
        if (at == std::string::npos) return "(no " + marker + ")";
        const auto tag = dom.rfind('<', at);
        const auto end = dom.find('>', at);
        std::smatch found;
        const std::string element = dom.substr(tag, end - tag);
        if (!std::regex_search(element, found, std::regex(attribute + "=\"([^\"]*)\"")))
            return "(no " + attribute + ")";
        return found[1];
    }
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

    auto rendered = browse({"--dump-dom", "file://" + html_file.string()});
    ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
    const auto& dom = rendered.out;
    // Counted by the browser from what it rendered, against the plan file.
    EXPECT_EQ(attribute_after(dom, "<body", "data-rendered-changes"),
              std::to_string(plan["operations"].size()))
        << dom;
    EXPECT_EQ(attribute_after(dom, "<body", "data-rendered-withheld"), "2") << dom;
    for (const auto& [kind, count] : by_kind) {
        const auto at = dom.find("data-count=\"" + kind + "\">");
        ASSERT_NE(at, std::string::npos) << kind;
        EXPECT_EQ(std::stoul(dom.substr(at + kind.size() + 14)), count) << kind;
    }
    EXPECT_EQ(attribute_after(dom, "id=\"withheld\"", "data-digest"), digest);
    EXPECT_NE(dom.find("<code id=\"approve\">hr2scim sync -c " +
                       (dir.path() / "config.yaml").string() + " --approve-withheld " + digest +
                       "</code>"),
              std::string::npos)
        << dom;
    EXPECT_NE(dom.find("data-key=\"E1005\""), std::string::npos) << "a withheld leaver, by key";
    EXPECT_NE(dom.find("Rear Admiral"), std::string::npos) << "the title before";
    EXPECT_EQ(dom.find("<script>alert"), std::string::npos) << "HR data is text, never markup";

    // The screenshot, kept with the tests' other outputs.
    const std::filesystem::path artifacts = HR2SCIM_TEST_ARTIFACTS;
    std::filesystem::create_directories(artifacts);
    const auto screenshot = artifacts / "plan.png";
    std::filesystem::remove(screenshot);
    auto shot = browse({"--window-size=1200,1600", "--screenshot=" + screenshot.string(),
                        "file://" + html_file.string()});
    ASSERT_EQ(shot.exit_code, 0) << shot.err;
    const auto png = read_file(screenshot);
    ASSERT_GT(png.size(), 10000U) << "a page, not a blank";
    EXPECT_EQ(png.substr(1, 3), "PNG");
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
