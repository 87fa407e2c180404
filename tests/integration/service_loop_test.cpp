// `hr2scim run --every`: the service loop as systemd runs it, against the test server. It
// syncs once per interval, takes a good config on SIGHUP and refuses a bad one (the last good
// one keeps running), and on SIGTERM stops sending, closes the run in the state and exits 0.

#include "state/sqlite.hpp"
#include "tests/integration/service_loop_fixture.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstring>
#include <functional>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(ServiceLoopTest, SyncsEveryIntervalAndStopsCleanlyOnSigterm) {
    start_loop();
    ASSERT_TRUE(eventually([&] { return server.users().size() == 10U; })) << log();
    // A change made after the first cycle reaches the target in a later one.
    write_csv(replace_once(example_csv(), "Principal Engineer", "Staff Engineer"));
    ASSERT_TRUE(eventually([&] {
        for (const auto& user : server.users())
            if (user.value("title", "") == "Staff Engineer") return true;
        return false;
    })) << log();
    ASSERT_TRUE(eventually([&] { return count_in_log("ended with exit code 0") >= 3; })) << log();
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
    EXPECT_NE(log().find("stopped"), std::string::npos) << log();
    const auto [all, open] = runs();
    EXPECT_GE(all, 2) << "one run row per cycle that sent something";
    EXPECT_EQ(open, 0) << "every run is closed";
    EXPECT_EQ(server.users().size(), 10U);
    for (const auto& command : commands())
        EXPECT_EQ(command, "run") << "the loop's runs are its own, not sync's";
}

TEST_F(ServiceLoopTest, SighupTakesAGoodConfigAndRefusesABadOneKeepingTheLastGood) {
    start_loop();
    ASSERT_TRUE(eventually([&] { return server.users().size() == 10U; })) << log();
    // A good config: the source is now another file, with one more person.
    auto more = example_csv() + "E2001,Annie,Easley,annie.easley@example.com,Analyst,"
                                "Engineering,CC-100,,\n";
    (void)dir.write("hr2.csv", more);
    (void)dir.write("config.yaml", replace_once(read_file(dir.path() / "config.yaml"),
                                                "  path: hr.csv\n", "  path: hr2.csv\n"));
    ::kill(m_pid, SIGHUP);
    ASSERT_TRUE(eventually([&] { return server.users().size() == 11U; })) << log();
    EXPECT_EQ(count_in_log("SIGHUP: reloaded"), 1U) << log();

    // A bad config is refused, says why, and the good one keeps syncing: hr2.csv is still read.
    (void)dir.write("config.yaml",
                    read_file(dir.path() / "config.yaml") + "saftey:\n  max_deactivations: 1\n");
    ::kill(m_pid, SIGHUP);
    ASSERT_TRUE(eventually([&] { return count_in_log("the new config is not used") == 1; }))
        << log();
    EXPECT_NE(log().find("unknown key 'saftey'"), std::string::npos) << log();
    (void)dir.write("hr2.csv", more + "E2002,Frances,Allen,frances.allen@example.com,Analyst,"
                                      "Engineering,CC-100,,\n");
    ASSERT_TRUE(eventually([&] { return server.users().size() == 12U; })) << log();
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
}

TEST_F(ServiceLoopTest, SigtermMidRunSendsNothingNewClosesTheRunAndTheNextSyncConverges) {
    write_config("", "HR2SCIM_TEST_TOKEN");
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "  timeout_seconds: 20\n",
                                 "  timeout_seconds: 20\n  max_concurrency: 1\n  bulk: false\n"));
    server.set_mode({{"latencyMs", 400}});
    start_loop("1h");
    ASSERT_TRUE(eventually([&] { return server.users().size() >= 2U; })) << log();
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
    const size_t created = server.users().size();
    EXPECT_LT(created, 10U) << "no new operation after SIGTERM";
    EXPECT_NE(log().find("hr2scim was asked to stop (SIGTERM)"), std::string::npos) << log();
    const auto [all, open] = runs();
    EXPECT_EQ(all, 1);
    EXPECT_EQ(open, 0) << "the run row is closed";
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(server.users().size(), created) << "nothing was sent after the exit";

    server.set_mode({{"latencyMs", 0}});
    auto rest = sync();
    EXPECT_EQ(rest.exit_code, 0) << rest.out << rest.err;
    EXPECT_EQ(server.users().size(), 10U) << "the rest, and nobody twice";
}

// A restart during a cycle is not a failure: the run is interrupted (exit code 0 in the state,
// result "interrupted"), what it did not send is "not sent", not failed, in the runs table,
// the report, the metrics, `status` and the person's `history`.
TEST_F(ServiceLoopTest, SigtermMidRunIsAnInterruptedRunWithOperationsNotSentNotFailed) {
    write_config("metrics:\n  textfile: metrics.prom\n");
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "  timeout_seconds: 20\n",
                                 "  timeout_seconds: 20\n  max_concurrency: 1\n  bulk: false\n"));
    server.set_mode({{"latencyMs", 400}});
    const auto report_file = dir.path() / "report.json";
    start_loop("1h", {"--report", report_file.string()});
    ASSERT_TRUE(eventually([&] { return server.users().size() >= 2U; })) << log();
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
    const auto created = server.users().size();
    ASSERT_LT(created, 10U) << "the stop came mid-run";

    state::Database db(state_file(), true);
    auto run = db.prepare("SELECT exit_code, interrupted, failed, not_sent, created FROM runs");
    ASSERT_TRUE(run.step());
    EXPECT_EQ(run.integer(0), 0) << "a restart is not a failed run";
    EXPECT_EQ(run.integer(1), 1);
    EXPECT_EQ(run.integer(2), 0) << "nothing failed";
    const auto not_sent = run.integer(3);
    EXPECT_GT(not_sent, 0) << "the rest was not sent";
    EXPECT_EQ(run.integer(4), static_cast<int64_t>(created));
    // Each operation's own entry in the trail: done, or not sent; nothing else.
    auto entries = db.prepare("SELECT status, count(*) FROM audit GROUP BY status ORDER BY 1");
    std::map<std::string, int64_t> by_status;
    while (entries.step())
        by_status[entries.text(0)] = entries.integer(1);
    EXPECT_EQ(by_status.size(), 2U);
    EXPECT_EQ(by_status["not sent"], not_sent);

    const auto report = nlohmann::json::parse(read_file(report_file));
    EXPECT_EQ(report["result"], "interrupted") << report.dump(2);
    EXPECT_EQ(report["exit_code"], 0);
    EXPECT_EQ(report["applied"]["failed"], 0);
    EXPECT_EQ(report["applied"]["not_sent"], not_sent);
    EXPECT_EQ(report["failures"].size(), 0U) << report.dump(2);

    const auto metrics = read_file(dir.path() / "metrics.prom");
    EXPECT_NE(metrics.find(R"(hr2scim_runs_total{target="test",result="interrupted"} 1)"),
              std::string::npos)
        << metrics;
    EXPECT_EQ(metrics.find("result=\"failed\""), std::string::npos) << metrics;
    EXPECT_EQ(metrics.find("hr2scim_last_success_timestamp_seconds{"), std::string::npos)
        << "an interrupted run is no success either";

    auto status = hr2scim({"status"}, server.token());
    EXPECT_NE(status.out.find(" interrupted "), std::string::npos) << status.out;

    // Somebody the run did not reach: their history says not sent, and why.
    std::string unsent;
    for (int number = 1001; number <= 1010 && unsent.empty(); ++number)
        if (server.user_with_external_id("E" + std::to_string(number)).is_null())
            unsent = "E" + std::to_string(number);
    auto history = hr2scim({"history", unsent}, server.token());
    EXPECT_NE(history.out.find("not sent"), std::string::npos) << history.out;
    EXPECT_NE(history.out.find("hr2scim was asked to stop (SIGTERM); the next run sends it"),
              std::string::npos)
        << history.out;
    EXPECT_EQ(history.out.find("failed"), std::string::npos) << history.out;
}

// systemd's end of sd_notify(3): a datagram socket the loop is told about in NOTIFY_SOCKET.
class NotifySocket {
  public:
    explicit NotifySocket(const std::filesystem::path& path) : m_path(path) {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
        EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
            << std::strerror(errno);
    }
    ~NotifySocket() { ::close(m_fd); }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    // Every datagram received so far, in order, each as sent ("READY=1\nSTATUS=...").
    const std::vector<std::string>& received() {
        std::array<char, 4096> buffer{};
        for (;;) {
            const auto got = ::recv(m_fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
            if (got <= 0) break;
            m_received.emplace_back(buffer.data(), static_cast<size_t>(got));
        }
        return m_received;
    }
    // The index of the first datagram holding `text`, or -1.
    int first(const std::string& text) {
        const auto& all = received();
        for (size_t at = 0; at < all.size(); ++at)
            if (all[at].find(text) != std::string::npos) return static_cast<int>(at);
        return -1;
    }

  private:
    std::filesystem::path m_path;
    int m_fd = -1;
    std::vector<std::string> m_received;
};

// Under Type=notify: READY=1 after the config is checked, STATUS= with each cycle's result
// and what it sent, WATCHDOG=1 while it runs when systemd asks for it, STOPPING=1 at the end.
TEST_F(ServiceLoopTest, TellsSystemdItIsReadyHowEachCycleWentAndThatItIsAlive) {
    NotifySocket systemd(dir.path() / "notify");
    start_loop("1h", {},
               {{"NOTIFY_SOCKET", (dir.path() / "notify").string()}, {"WATCHDOG_USEC", "200000"}});
    ASSERT_TRUE(eventually([&] { return systemd.first("STATUS=last cycle at ") >= 0; })) << log();
    const int ready = systemd.first("READY=1");
    ASSERT_GE(ready, 0);
    EXPECT_LT(ready, systemd.first("STATUS=last cycle at ")) << "ready before the first cycle ends";
    EXPECT_GE(systemd.first(" UTC: ok, 10 sent"), 0)
        << ::testing::PrintToString(systemd.received());
    EXPECT_EQ(server.users().size(), 10U);
    ASSERT_TRUE(eventually([&] { return systemd.first("WATCHDOG=1") >= 0; }))
        << "pings at half of WATCHDOG_USEC";
    const auto pings = [&] {
        return std::ranges::count(systemd.received(), std::string("WATCHDOG=1"));
    };
    const auto before = pings();
    ASSERT_TRUE(eventually([&] { return pings() >= before + 3; })) << "and keeps pinging";
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
    EXPECT_GE(systemd.first("STOPPING=1"), 0);
}

TEST_F(ServiceLoopTest, ABadConfigAtStartIsExitOneAndAnIntervalIsChecked) {
    (void)dir.write("config.yaml", read_file(dir.path() / "config.yaml") + "saftey: {}\n");
    auto bad = hr2scim({"run", "--every", "1m"}, server.token());
    EXPECT_EQ(bad.exit_code, 1) << bad.err;
    EXPECT_NE(bad.err.find("unknown key 'saftey'"), std::string::npos) << bad.err;
    auto interval = hr2scim({"run", "--every", "soon"}, server.token());
    EXPECT_EQ(interval.exit_code, 64) << interval.err;
    EXPECT_NE(interval.err.find("'soon' is not an interval (90s, 15m, 1h, 1d)"), std::string::npos)
        << interval.err;
    EXPECT_EQ(server.all_requests().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// A config replaced by a FIFO (or a device) is refused on SIGHUP without blocking: the loop
// keeps the last good config and still stops on SIGTERM.
TEST_F(ServiceLoopTest, AConfigReplacedByAFifoIsRefusedOnSighupAndSigtermStillStops) {
    start_loop("1h");
    ASSERT_TRUE(eventually([&] { return server.users().size() == 10U; })) << log();
    const auto config = dir.path() / "config.yaml";
    std::filesystem::rename(config, dir.path() / "config.good.yaml");
    ASSERT_EQ(::mkfifo(config.c_str(), 0600), 0);
    ::kill(m_pid, SIGHUP);
    ASSERT_TRUE(eventually([&] { return count_in_log("the new config is not used") == 1; }))
        << log();
    EXPECT_NE(log().find("not a regular file"), std::string::npos) << log();
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
}

} // namespace
} // namespace hr2scim::testing
