// The run report's page without a browser: each outcome's words, what a server said escaped
// and redacted, a run that sent nothing, and the lists cut at `listed` (the browser test is
// tests/integration/report_html_test.cpp).

#include "agent/run_report_html.hpp"
#include "http/secrets.hpp"

#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

state::Operation update(const std::string& key) {
    state::Operation operation;
    operation.kind = state::OperationKind::update;
    operation.key = key;
    operation.scim_id = "id-" + key;
    operation.changes.push_back({"title", nlohmann::json("Engineer"), nlohmann::json("Director")});
    return operation;
}

apply::Outcome outcome_of(const state::Operation& operation, apply::Result result,
                          std::string message = {}) {
    apply::Outcome outcome;
    outcome.operation = &operation;
    outcome.result = result;
    outcome.message = std::move(message);
    return outcome;
}

class RunReportHtml : public ::testing::Test {
  protected:
    RunReportHtml() {
        for (const auto* key : {"E1", "E2", "E3", "E4"})
            plan.operations.push_back(update(key));
    }

    [[nodiscard]] RunReportInputs inputs() const {
        return {.target = "okta",
                .command = "sync",
                .exit_code = 2,
                .records = 4,
                .rejections = &rejections,
                .plan = &plan,
                .outcomes = outcomes.empty() ? nullptr : &outcomes,
                .tally = outcomes.empty() ? nullptr : &counts,
                .config = "/etc/hr2scim/config.yaml"};
    }

    state::Plan plan;
    std::vector<apply::Outcome> outcomes;
    apply::Tally counts;
    std::vector<connectors::Rejection> rejections;
};

// The article of `key`, from its opening tag to its end.
std::string article_of(const std::string& html, const std::string& key) {
    const auto at = html.rfind("<article", html.find("data-key=\"" + key + "\""));
    if (at == std::string::npos) return "(no article for " + key + ")";
    return html.substr(at, html.find("</article>", at) - at);
}

TEST_F(RunReportHtml, EachOutcomeIsShownWithWhatTheTargetSaidAsText) {
    http::register_secret("tok-5e4d3c2b1a");
    outcomes = {outcome_of(plan.operations[0], apply::Result::done),
                outcome_of(plan.operations[1], apply::Result::refused,
                           "HTTP 400: <b>title</b> is read-only; echoed Bearer tok-5e4d3c2b1a"),
                outcome_of(plan.operations[2], apply::Result::unknown,
                           "no answer after the server committed"),
                outcome_of(plan.operations[3], apply::Result::skipped,
                           "not sent: the target was given up")};
    counts = apply::tally(outcomes, std::nullopt);
    const auto html = run_report_html(inputs());

    EXPECT_NE(article_of(html, "E1").find("data-outcome=\"done\""), std::string::npos) << html;
    const auto failed = article_of(html, "E2");
    EXPECT_NE(failed.find("data-outcome=\"failed\""), std::string::npos) << failed;
    EXPECT_NE(
        failed.find("failed (refused): <span class=\"reason\">HTTP 400: &lt;b&gt;title&lt;/b&gt;"),
        std::string::npos)
        << failed;
    EXPECT_EQ(html.find("tok-5e4d3c2b1a"), std::string::npos) << "a secret a server echoed";
    EXPECT_NE(failed.find("REDACTED"), std::string::npos) << failed;
    EXPECT_NE(article_of(html, "E3").find("data-outcome=\"unknown\""), std::string::npos);
    EXPECT_NE(article_of(html, "E4").find("not sent: <span class=\"reason\">not sent: the target"),
              std::string::npos)
        << article_of(html, "E4");
    // The failed, unknown and unsent come before what was done.
    EXPECT_LT(html.find("data-key=\"E2\""), html.find("data-key=\"E1\""));
    EXPECT_NE(html.find("data-count=\"applied.failed\">2<"), std::string::npos) << html;
    EXPECT_NE(html.find("data-count=\"applied.updated\">1<"), std::string::npos) << html;
    EXPECT_NE(html.find("data-result=\"partial\""), std::string::npos);
}

TEST_F(RunReportHtml, ARunThatSentNothingListsEveryPlannedOperationAsNotSentAndWhy) {
    auto stopped = inputs();
    stopped.exit_code = 1;
    stopped.stopped_because = "the target could not be used (the log says why)";
    const auto html = run_report_html(stopped);
    for (const auto* key : {"E1", "E2", "E3", "E4"})
        EXPECT_NE(article_of(html, key).find("not sent: <span class=\"reason\">the target could "
                                             "not be used"),
                  std::string::npos)
            << key << html;
    EXPECT_EQ(html.find("id=\"done\"><h2>Done (0)"), html.find("id=\"done\"")) << html;
    EXPECT_NE(html.find("Stopped before sending: the target could not be used"), std::string::npos);
}

TEST_F(RunReportHtml, ListsStopAtListedAndSayHowManyMore) {
    for (const auto& operation : plan.operations)
        outcomes.push_back(outcome_of(operation, apply::Result::done));
    counts = apply::tally(outcomes, std::nullopt);
    rejections = {{"hr.csv:2", "E8", "userName is empty"},
                  {"hr.csv:3", "E9", "userName is empty"},
                  {"hr.csv:4", "<E10>", "userName is empty"}};
    const auto html = run_report_html(inputs(), 2);
    EXPECT_NE(html.find("Done (4)"), std::string::npos);
    EXPECT_NE(html.find("data-key=\"E2\""), std::string::npos);
    EXPECT_EQ(html.find("data-key=\"E3\""), std::string::npos) << "past the two listed";
    EXPECT_NE(html.find("And 2 more, counted above"), std::string::npos) << html;
    EXPECT_NE(html.find("Rejected records (3)"), std::string::npos);
    EXPECT_NE(html.find("And 1 more.</p>"), std::string::npos) << html;
    EXPECT_EQ(html.find("<E10>"), std::string::npos) << "a key is text, never markup";
}

} // namespace
} // namespace hr2scim::agent
