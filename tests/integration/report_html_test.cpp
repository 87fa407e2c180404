// --report-html: the run report's twin as a page, checked in a real headless browser (Debian's
// chromium) against the JSON report the same run wrote: its rendered counts are the JSON's,
// the failed person shows the target's reason, HR data is text, and a screenshot goes to the
// tests' artifacts (issue 26, item 7). A page that cannot be written makes the run partial, as
// the JSON report does, and validate checks its folder.
#include "tests/integration/headless_browser.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hr2scim::testing {
namespace {

class ReportHtmlTest : public SyncTest {
  protected:
    ProcessResult sync_with_reports(const std::filesystem::path& json,
                                    const std::filesystem::path& html) {
        return hr2scim({"sync", "--report", json.string(), "--report-html", html.string()},
                       server.token());
    }
    // The number the browser counted into <body data-NAME="...">.
    static size_t rendered(const std::string& dom, const std::string& name) {
        return std::stoul(attribute_after(dom, "<body", "data-rendered-" + name));
    }

    HeadlessBrowser browser{dir.path() / "profile"};
};

TEST_F(ReportHtmlTest, ARunsPageShowsWhatTheJsonReportCountsWithTheTargetsReasonForAFailure) {
    ASSERT_EQ(sync().exit_code, 0);
    write_config("safety:\n  max_deactivations: 1\n  confirm_absence: 1\n");
    // A change the target takes whose value is markup, one it refuses, a joiner, a record
    // rejected (no email), and two leavers a gate withholds.
    std::string csv = replace_once(example_csv(), "Rear Admiral", "<script>alert(1)</script>");
    csv = replace_once(csv, "Principal Engineer", "Analytical Engineer");
    csv = replace_once(csv, "barbara.liskov@example.com", "");
    csv = without_line(without_line(csv, "E1005,"), "E1006,");
    csv += "E2001,Mary,Jackson,mary.jackson@example.com,Engineer,Research,CC-300,,\n";
    write_csv(csv);
    refuse_next_patch("E1002", "title is read-only here");
    const auto json_file = dir.path() / "report.json";
    const auto html_file = dir.path() / "report.html";
    auto synced = sync_with_reports(json_file, html_file);
    ASSERT_EQ(synced.exit_code, 3) << synced.out << synced.err;
    EXPECT_EQ(std::filesystem::status(html_file).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    const auto report = nlohmann::json::parse(read_file(json_file));
    const auto& applied = report["applied"];
    const size_t done = applied["created"].get<size_t>() + applied["updated"].get<size_t>() +
                        applied["deactivated"].get<size_t>() +
                        applied["reactivated"].get<size_t>() + applied["deleted"].get<size_t>();
    // What the run was made to do: the page is checked against a report that says it.
    ASSERT_EQ(done, 2U) << report.dump(2);
    ASSERT_EQ(applied["failed"], 1) << report.dump(2);
    ASSERT_EQ(report["rejections"].size(), 1U) << report.dump(2);
    ASSERT_EQ(report["plan"]["withheld"], 2) << report.dump(2);
    ASSERT_EQ(report["failures"][0]["key"], "E1002") << report.dump(2);

    const auto html = read_file(html_file);
    EXPECT_EQ(html.find("src="), std::string::npos) << "nothing loads from anywhere";
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_NE(html.find("content=\"default-src 'none'"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);

    auto browsed = browser.dom(html_file);
    ASSERT_EQ(browsed.exit_code, 0) << browsed.err;
    const auto& dom = browsed.out;
    // Counted by the browser from the articles and rows it rendered, against the JSON.
    EXPECT_EQ(rendered(dom, "done"), done) << dom;
    EXPECT_EQ(rendered(dom, "failed") + rendered(dom, "unknown"), applied["failed"]) << dom;
    EXPECT_EQ(rendered(dom, "not-sent"),
              applied["skipped"].get<size_t>() + applied["not_sent"].get<size_t>())
        << dom;
    EXPECT_EQ(rendered(dom, "rejected"), report["rejections"].size()) << dom;
    EXPECT_EQ(rendered(dom, "rejected"), report["source"]["rejected"]) << dom;
    EXPECT_EQ(rendered(dom, "withheld"), report["plan"]["withheld"]) << dom;
    for (const auto* name : {"created", "updated", "failed"})
        EXPECT_EQ(count_shown(dom, "applied." + std::string(name)), applied[name].get<size_t>())
            << name;
    EXPECT_EQ(attribute_after(dom, "id=\"result\"", "data-result"), report["result"]);
    EXPECT_EQ(report["result"], "safety_stop");

    // The failed person, with what the target said; the rejected record, with its reason.
    EXPECT_EQ(attribute_after(dom, "data-key=\"E1002\"", "data-outcome"), "failed") << dom;
    const auto failed = dom.find("data-key=\"E1002\"");
    const auto reason = dom.find("title is read-only here");
    EXPECT_TRUE(reason != std::string::npos && reason > failed &&
                reason < dom.find("</article>", failed))
        << dom;
    EXPECT_EQ(attribute_after(dom, "data-key=\"E2001\"", "data-outcome"), "done") << dom;
    EXPECT_NE(dom.find("<tr class=\"rejected\" data-key=\"E1007\">"), std::string::npos) << dom;
    EXPECT_NE(dom.find(report["rejections"][0]["reason"].get<std::string>()), std::string::npos)
        << dom;

    // The withheld set, by its digest and with the command that approves it.
    const std::string digest = report["withheld"]["digest"];
    expect_withheld_set(dom, dir.path() / "config.yaml", digest);
    EXPECT_NE(dom.find("Rear Admiral"), std::string::npos) << "the title before";
    EXPECT_EQ(dom.find("<script>alert"), std::string::npos) << "HR data is text, never markup";

    browser.screenshot(html_file, "report.png");
}

// A page that cannot be written is a warning that makes the run partial, named in the JSON
// report; validate refuses its folder before a run finds out.
TEST_F(ReportHtmlTest, APageThatCannotBeWrittenMakesTheRunPartialAndValidateSaysSoFirst) {
    const auto missing = dir.path() / "missing/report.html";
    auto checked = hr2scim({"validate", "--report-html", missing.string()}, server.token());
    EXPECT_EQ(checked.exit_code, 1) << checked.out;
    EXPECT_NE(checked.out.find("NOT USABLE: --report-html: cannot write "), std::string::npos)
        << checked.out;
    const auto document = nlohmann::json::parse(
        hr2scim({"validate", "-o", "json", "--report-html", missing.string()}, server.token()).out);
    EXPECT_EQ(document["report_html"]["usable"], false) << document.dump(2);
    EXPECT_EQ(document["result"], "not_valid");

    auto synced = sync_with_reports(dir.path() / "report.json", missing);
    EXPECT_EQ(synced.exit_code, 2) << synced.out << synced.err;
    EXPECT_EQ(server.users().size(), 10U) << "the run itself went through";
    EXPECT_NE(synced.err.find("--report-html: cannot write"), std::string::npos) << synced.err;
    const auto report = nlohmann::json::parse(read_file(dir.path() / "report.json"));
    EXPECT_EQ(report["result"], "partial");
    ASSERT_EQ(report["warnings"].size(), 1U) << report.dump(2);
    EXPECT_TRUE(report["warnings"][0].get<std::string>().starts_with("--report-html: cannot "))
        << report["warnings"];

    std::filesystem::create_directories(dir.path() / "missing");
    checked = hr2scim({"validate", "--report-html", missing.string()}, server.token());
    EXPECT_EQ(checked.exit_code, 0) << checked.out;
    EXPECT_NE(checked.out.find("Report  " + missing.string() + ": folder writable"),
              std::string::npos)
        << checked.out;
}

// The page is written before the JSON report: when the JSON cannot be written, the page is
// written again to say the run is partial, and why.
TEST_F(ReportHtmlTest, WhenTheJsonReportCannotBeWrittenThePageSaysTheRunIsPartial) {
    const auto html_file = dir.path() / "report.html";
    auto synced = sync_with_reports(dir.path() / "missing/report.json", html_file);
    EXPECT_EQ(synced.exit_code, 2) << synced.out << synced.err;
    const auto html = read_file(html_file);
    EXPECT_NE(html.find("data-result=\"partial\""), std::string::npos) << html;
    const auto warnings = html.find("<section id=\"warnings\">");
    ASSERT_NE(warnings, std::string::npos) << html;
    EXPECT_NE(html.find("--report: cannot write", warnings), std::string::npos) << html;
}

} // namespace
} // namespace hr2scim::testing
