// What a sync leaves for monitoring, read as a monitoring system reads it: the Prometheus
// textfile (parsed, every sample checked against what the server saw), the --report JSON,
// and `hr2scim status`, across a clean run, a partial one and one whose target is down.

#include "tests/integration/sync_fixture.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace hr2scim::testing {
namespace {

// Samples of a Prometheus text file by "name{labels}"; fails the test on a line that is not
// a comment or a sample, or a sample whose family has no HELP and TYPE before it.
std::map<std::string, double> parse_metrics(const std::string& text) {
    static const std::regex k_sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\}) (-?[0-9.e+]+)$)");
    std::map<std::string, double> samples;
    std::set<std::string> typed;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("# TYPE ")) {
            typed.insert(line.substr(7, line.find(' ', 7) - 7));
            continue;
        }
        if (line.starts_with("# HELP ")) continue;
        std::smatch match;
        EXPECT_TRUE(std::regex_match(line, match, k_sample)) << "not a sample: " << line;
        if (match.empty()) continue;
        EXPECT_TRUE(typed.contains(match[1])) << "no TYPE before " << line;
        samples[match[1].str() + match[2].str()] = std::stod(match[3]);
    }
    return samples;
}

class RunOutputsTest : public SyncTest {
  protected:
    RunOutputsTest() { write_config("metrics:\n  textfile: metrics/hr2scim.prom\n"); }

    ProcessResult sync_with_report() {
        std::filesystem::create_directories(dir.path() / "metrics");
        return hr2scim({"sync", "--report", (dir.path() / "report.json").string()}, server.token());
    }
    [[nodiscard]] std::map<std::string, double> metrics() const {
        return parse_metrics(read_file(dir.path() / "metrics/hr2scim.prom"));
    }
    [[nodiscard]] nlohmann::json report() const {
        return nlohmann::json::parse(read_file(dir.path() / "report.json"));
    }
};

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST_F(RunOutputsTest, MetricsAndTheReportCountWhatTheServerSaw) {
    // The leaver below goes in the run that first misses them: this test counts runs.
    write_config("metrics:\n  textfile: metrics/hr2scim.prom\nsafety:\n  confirm_absence: 1\n");
    const double before = now_seconds() - 1;
    auto first = sync_with_report();
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto samples = metrics();
    EXPECT_EQ(samples[R"(hr2scim_runs_total{target="test",result="ok"})"], 1);
    EXPECT_EQ(samples[R"(hr2scim_operations_total{target="test",kind="create",outcome="done"})"],
              static_cast<double>(server.count_requests("POST")));
    EXPECT_EQ(samples[R"(hr2scim_users_managed{target="test",status="active"})"],
              static_cast<double>(server.active_users()));
    EXPECT_EQ(samples[R"(hr2scim_last_run_exit_code{target="test"})"], 0);
    const double success = samples[R"(hr2scim_last_success_timestamp_seconds{target="test"})"];
    EXPECT_GE(success, before);
    EXPECT_LE(success, now_seconds() + 1);
    auto first_report = report();
    EXPECT_EQ(first_report["result"], "ok");
    EXPECT_EQ(first_report["applied"]["created"], 10);
    EXPECT_EQ(first_report["plan"]["create"], 10);
    EXPECT_EQ(first_report["failures"].size(), 0U);
    EXPECT_EQ(std::filesystem::status(dir.path() / "report.json").permissions() &
                  std::filesystem::perms::others_read,
              std::filesystem::perms::none)
        << "it names people";

    // One change the target refuses, one that goes through, and a leaver.
    server.clear_requests();
    auto csv = replace_once(example_csv(), "Principal Engineer", "Analytical Engineer");
    csv = replace_once(csv, "Chief Engineer", "Chief Scientist");
    csv = without_line(csv, "E1010,");
    write_csv(csv);
    refuse_next_patch("E1002", "title is read-only here");
    auto second = sync_with_report();
    EXPECT_EQ(second.exit_code, 2) << second.out << second.err;
    samples = metrics();
    EXPECT_EQ(samples[R"(hr2scim_runs_total{target="test",result="ok"})"], 1);
    EXPECT_EQ(samples[R"(hr2scim_runs_total{target="test",result="partial"})"], 1);
    EXPECT_EQ(samples[R"(hr2scim_operations_total{target="test",kind="update",outcome="refused"})"],
              1);
    EXPECT_EQ(samples[R"(hr2scim_operations_total{target="test",kind="update",outcome="done"})"], 1)
        << "one change went through";
    EXPECT_EQ(samples[R"(hr2scim_operations_total{target="test",kind="create",outcome="done"})"],
              10)
        << "counted since the state began";
    EXPECT_EQ(
        samples[R"(hr2scim_operations_total{target="test",kind="deactivate",outcome="done"})"], 1);
    EXPECT_EQ(samples[R"(hr2scim_users_managed{target="test",status="deactivated"})"], 1);
    EXPECT_EQ(samples[R"(hr2scim_last_run_exit_code{target="test"})"], 2);
    EXPECT_EQ(samples[R"(hr2scim_last_success_timestamp_seconds{target="test"})"], success)
        << "the last success is still the first run";
    auto second_report = report();
    EXPECT_EQ(second_report["result"], "partial");
    ASSERT_EQ(second_report["failures"].size(), 1U) << second_report.dump(2);
    const auto failure = second_report["failures"][0];
    EXPECT_EQ(failure["operation"], "update");
    EXPECT_TRUE(failure["key"] == "E1001" || failure["key"] == "E1002") << failure;
    EXPECT_NE(failure["message"].get<std::string>().find("title is read-only here"),
              std::string::npos)
        << failure;

    auto status = hr2scim({"status"}, server.token());
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("Target \"test\": 9 active, 1 deactivated; last success 20"),
              std::string::npos)
        << status.out;
    const auto partial = status.out.find(" partial ");
    const auto ok = status.out.find(" ok ");
    EXPECT_TRUE(partial != std::string::npos && ok != std::string::npos && partial < ok)
        << "newest first:\n"
        << status.out;
}

// A metrics file that cannot be written makes monitoring blind: validate refuses the folder,
// and a sync that cannot write it is partial (exit 2) in its exit code, the state and the
// report, though everything was sent.
TEST_F(RunOutputsTest, AMetricsFileThatCannotBeWrittenIsAWarningThatMakesTheRunPartial) {
    write_config("metrics:\n  textfile: missing/hr2scim.prom\n");
    auto checked = hr2scim({"validate"}, server.token());
    EXPECT_EQ(checked.exit_code, 1) << checked.out;
    EXPECT_NE(checked.out.find("NOT USABLE: metrics.textfile: cannot write "), std::string::npos)
        << checked.out;
    EXPECT_NE(checked.out.find("missing does not exist"), std::string::npos) << checked.out;

    auto result =
        hr2scim({"sync", "--report", (dir.path() / "report.json").string()}, server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U) << "the run itself went through";
    EXPECT_NE(result.err.find("metrics.textfile: cannot write"), std::string::npos) << result.err;
    auto written = report();
    EXPECT_EQ(written["result"], "partial");
    ASSERT_EQ(written["warnings"].size(), 1U) << written.dump(2);
    EXPECT_TRUE(written["warnings"][0].get<std::string>().starts_with("metrics.textfile: cannot "
                                                                      "write "))
        << written["warnings"];
    auto status = hr2scim({"status"}, server.token());
    EXPECT_NE(status.out.find(" partial "), std::string::npos) << status.out;
    EXPECT_EQ(status.out.find(" ok "), std::string::npos) << status.out;

    std::filesystem::create_directories(dir.path() / "missing");
    checked = hr2scim({"validate"}, server.token());
    EXPECT_EQ(checked.exit_code, 0) << checked.out;
}

// A report that cannot be written: the run is partial, and the metrics (written before it)
// are written again to say so.
TEST_F(RunOutputsTest, AReportThatCannotBeWrittenMakesTheRunPartialInTheMetricsToo) {
    std::filesystem::create_directories(dir.path() / "metrics");
    auto result = hr2scim({"sync", "--report", (dir.path() / "missing/report.json").string()},
                          server.token());
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.err.find("--report: cannot write"), std::string::npos) << result.err;
    auto samples = metrics();
    EXPECT_EQ(samples[R"(hr2scim_last_run_exit_code{target="test"})"], 2);
    EXPECT_EQ(samples[R"(hr2scim_runs_total{target="test",result="partial"})"], 1);
    EXPECT_FALSE(samples.contains(R"(hr2scim_runs_total{target="test",result="ok"})"));
}

TEST_F(RunOutputsTest, ATargetThatIsDownIsAFailedRunInTheMetricsAndTheReport) {
    write_config("metrics:\n  textfile: metrics/hr2scim.prom\n");
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                server.scim_url(), "http://127.0.0.1:1/scim/v2"));
    auto result = sync_with_report();
    EXPECT_EQ(result.exit_code, 1) << result.err;
    auto samples = metrics();
    EXPECT_EQ(samples[R"(hr2scim_runs_total{target="test",result="failed"})"], 1);
    EXPECT_EQ(samples[R"(hr2scim_last_run_exit_code{target="test"})"], 1);
    EXPECT_FALSE(samples.contains(R"(hr2scim_last_success_timestamp_seconds{target="test"})"));
    auto written = report();
    EXPECT_EQ(written["result"], "failed");
    EXPECT_EQ(written["plan"]["create"], 10) << "what it would have sent";
    EXPECT_TRUE(written.contains("stopped_because"));
}

// `apply FILE` closes its run as a sync does: the report, the metrics, the run in `status`.
TEST_F(RunOutputsTest, ApplyingAPlanFileWritesTheReportAndTheMetricsAsSyncDoes) {
    ASSERT_EQ(sync_with_report().exit_code, 0);
    write_csv(replace_once(example_csv(), "Principal Engineer", "Analytical Engineer"));
    const auto plan_file = dir.path() / "reviewed.json";
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 0);
    std::filesystem::remove(dir.path() / "report.json");
    server.clear_requests();

    auto applied =
        hr2scim({"apply", plan_file.string(), "--report", (dir.path() / "report.json").string()},
                server.token());
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    auto samples = metrics();
    EXPECT_EQ(samples[R"(hr2scim_runs_total{target="test",result="ok"})"], 2)
        << "the sync and the apply";
    EXPECT_EQ(samples[R"(hr2scim_operations_total{target="test",kind="update",outcome="done"})"],
              static_cast<double>(server.count_requests("PATCH") + server.count_requests("PUT")));
    EXPECT_EQ(samples[R"(hr2scim_operations_total{target="test",kind="update",outcome="done"})"],
              1);
    EXPECT_EQ(samples[R"(hr2scim_last_run_exit_code{target="test"})"], 0);
    auto written = report();
    EXPECT_EQ(written["command"], "apply");
    EXPECT_EQ(written["result"], "ok");
    EXPECT_EQ(written["plan"]["update"], 1);
    EXPECT_EQ(written["applied"]["updated"], 1);
    EXPECT_EQ(written["failures"].size(), 0U);
    EXPECT_EQ(std::filesystem::status(dir.path() / "report.json").permissions() &
                  std::filesystem::perms::others_read,
              std::filesystem::perms::none)
        << "it names people";
}

// A plan file whose target cannot be used is a failed run in the metrics and the report too.
TEST_F(RunOutputsTest, ApplyingAPlanFileToATargetThatIsDownIsAFailedRun) {
    ASSERT_EQ(sync_with_report().exit_code, 0);
    write_csv(replace_once(example_csv(), "Principal Engineer", "Analytical Engineer"));
    const auto plan_file = dir.path() / "reviewed.json";
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 0);
    // The config's fingerprint is part of the plan: the target goes down, the config stays.
    server.add_fault({{"discovery", true}, {"status", 401}, {"times", 100}});
    server.add_fault({{"status", 401}, {"times", 100}});

    auto applied =
        hr2scim({"apply", plan_file.string(), "--report", (dir.path() / "report.json").string()},
                server.token());
    EXPECT_EQ(applied.exit_code, 1) << applied.out << applied.err;
    auto samples = metrics();
    EXPECT_EQ(samples[R"(hr2scim_runs_total{target="test",result="failed"})"], 1);
    EXPECT_EQ(samples[R"(hr2scim_last_run_exit_code{target="test"})"], 1);
    auto written = report();
    EXPECT_EQ(written["command"], "apply");
    EXPECT_EQ(written["result"], "failed");
    EXPECT_TRUE(written.contains("stopped_because"));
}

TEST_F(RunOutputsTest, StatusWithoutRunsSaysSo) {
    auto status = hr2scim({"status"}, server.token());
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("No runs yet"), std::string::npos) << status.out;
}

} // namespace
} // namespace hr2scim::testing
