// `hr2scim run --listen`: the loop serves /metrics and /healthz over HTTP while it runs against
// the test server; the numbers are the state's and the server's, a failed cycle and a stuck one
// make /healthz unhealthy, SIGTERM frees the port, a port in use stops the start.

#include "http/http_client.hpp"
#include "state/timestamp.hpp"
#include "tests/integration/service_loop_fixture.hpp"
#include "tests/support/documentation.hpp"
#include "tests/support/loopback_socket.hpp"

#include <algorithm>
#include <csignal>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <sys/socket.h>

namespace hr2scim::testing {
namespace {

using namespace std::chrono_literals;

class ListenTest : public ServiceLoopTest {
  protected:
    // Starts the loop listening on a free loopback port, 127.0.0.1 or [::1].
    void start_listening(const std::string& every, int family = AF_INET) {
        m_port = free_port(family);
        const std::string address =
            (family == AF_INET ? "127.0.0.1:" : "[::1]:") + std::to_string(m_port);
        m_base = "http://" + address;
        start_loop(every, {"--listen", address});
    }

    // The answer to METHOD path; status 0 when there was none.
    http::Response call(const std::string& path, const std::string& method = "GET") {
        auto answer = m_client.send({method, m_base + path, {}, {}});
        return answer ? *answer : http::Response{};
    }

    // /healthz's document; null when the listener does not answer.
    nlohmann::json health() {
        const auto answer = call("/healthz");
        return answer.status == 0 ? nlohmann::json() : nlohmann::json::parse(answer.body);
    }

    // Waits for /healthz to report `cycles` finished cycles.
    bool cycles_reach(size_t cycles) {
        return eventually([&] {
            const auto now = health();
            return now.is_object() && now["cycles"].get<size_t>() >= cycles;
        });
    }

    // The value of one sample of /metrics ("name{labels}"), or -1.
    static double sample(const std::string& metrics, const std::string& series) {
        std::istringstream lines(metrics);
        for (std::string line; std::getline(lines, line);)
            if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
        return -1;
    }

    int m_port = 0;
    std::string m_base;
    http::HttpClient m_client{client_options()};

  private:
    static http::ClientOptions client_options() {
        http::ClientOptions options;
        options.connect_timeout = 2s;
        options.request_timeout = 10s;
        return options;
    }
};

// Every field's path in `document` ("last_cycle.targets.0.result"), with its JSON type.
std::set<std::string> fields(const nlohmann::json& document) {
    std::set<std::string> all;
    const auto flat = document.flatten();
    for (const auto& [path, value] : flat.items())
        all.insert(path + " " + value.type_name());
    return all;
}

TEST_F(ListenTest, ServesTheStatesMetricsAndTheLastCycleAndFreesThePortOnSigterm) {
    const auto began = std::chrono::system_clock::now();
    start_listening("1h");
    ASSERT_TRUE(cycles_reach(1)) << log();

    const auto answer = call("/healthz");
    EXPECT_EQ(answer.status, 200) << answer.body;
    const auto health = nlohmann::json::parse(answer.body);
    EXPECT_EQ(health["healthy"], true) << health.dump(2);
    EXPECT_EQ(health["status"], "ok");
    EXPECT_EQ(health["cycle_running"], false);
    EXPECT_EQ(health["every_seconds"], 3600);
    const auto& last = health["last_cycle"];
    EXPECT_EQ(last["result"], "ok") << health.dump(2);
    EXPECT_EQ(last["exit_code"], 0);
    EXPECT_EQ(last["sent"], server.users().size());
    ASSERT_EQ(last["targets"].size(), 1U);
    EXPECT_EQ(last["targets"][0]["target"], "test");
    EXPECT_EQ(last["targets"][0]["result"], "ok");
    // Whole seconds, UTC: within the test's own span (a second either way for the rounding).
    const auto finished = state::from_timestamp(last["finished_at"].get<std::string>());
    ASSERT_TRUE(finished) << last.dump();
    EXPECT_GE(*finished + 1s, began);
    EXPECT_LE(*finished, std::chrono::system_clock::now());
    EXPECT_LE(health["loop_started_at"].get<std::string>(), last["started_at"].get<std::string>());

    // The page's example has the same fields, each where the answer has it.
    const auto section = documentation_section("Over HTTP: `run --listen`");
    ASSERT_TRUE(section) << "no page, or more than one, has the section";
    const auto examples = fenced_blocks(section->text, "json");
    ASSERT_EQ(examples.size(), 1U);
    const auto documented = nlohmann::json::parse(examples.front());
    EXPECT_EQ(fields(documented), fields(health)) << documented.dump(2) << health.dump(2);

    const auto metrics = call("/metrics");
    EXPECT_EQ(metrics.status, 200);
    ASSERT_NE(metrics.header("content-type"), nullptr);
    EXPECT_EQ(*metrics.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(sample(metrics.body, R"(hr2scim_users_managed{target="test",status="active"})"),
              static_cast<double>(server.active_users()))
        << metrics.body;
    EXPECT_EQ(server.active_users(), 10U);
    EXPECT_EQ(sample(metrics.body, R"(hr2scim_runs_total{target="test",result="ok"})"),
              static_cast<double>(runs().first))
        << metrics.body;
    EXPECT_EQ(sample(metrics.body, "hr2scim_loop_cycles_total"), 1) << metrics.body;
    EXPECT_EQ(sample(metrics.body, "hr2scim_loop_cycle_running"), 0);
    EXPECT_EQ(sample(metrics.body, "hr2scim_loop_healthy"), 1);
    for (const auto* body : {&answer.body, &metrics.body})
        EXPECT_EQ(body->find(server.token()), std::string::npos) << "the token never shows";

    const auto head = call("/metrics", "HEAD");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(call("/").status, 404);
    EXPECT_EQ(call("/metrics/").status, 404);
    EXPECT_EQ(call("/healthz", "POST").status, 405);

    const auto stopping = std::chrono::steady_clock::now();
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 5s) << "no wait on the listener";
    EXPECT_EQ(call("/healthz").status, 0) << "nothing answers there any more";
    LoopbackSocket again(AF_INET, m_port);
    EXPECT_TRUE(again.bound() && again.listen()) << "the port is free again";
}

// The target goes down (the config, reloaded, points at a port nothing listens on) while there
// is a change to send: the cycle fails and /healthz says so with 503; back up, back to 200.
TEST_F(ListenTest, HealthzIsUnhealthyWhileTheLastCycleFailed) {
    start_listening("6s");
    ASSERT_TRUE(cycles_reach(1)) << log();
    EXPECT_EQ(call("/healthz").status, 200) << log();

    const auto good = read_file(dir.path() / "config.yaml");
    (void)dir.write("config.yaml",
                    replace_once(good, server.scim_url(),
                                 "http://127.0.0.1:" + std::to_string(free_port()) + "/scim/v2"));
    write_csv(replace_once(example_csv(), "Principal Engineer", "Staff Engineer"));
    ::kill(m_pid, SIGHUP);
    ASSERT_TRUE(eventually([&] { return call("/healthz").status == 503; }, 30s)) << log();
    const auto failed = health();
    EXPECT_EQ(failed["healthy"], false) << failed.dump(2);
    EXPECT_EQ(failed["status"], "last_cycle_failed");
    EXPECT_EQ(failed["last_cycle"]["result"], "failed");
    EXPECT_EQ(failed["last_cycle"]["exit_code"], 1);
    EXPECT_EQ(failed["last_cycle"]["targets"][0]["result"], "failed") << failed.dump(2);
    EXPECT_EQ(sample(call("/metrics").body, "hr2scim_loop_healthy"), 0);

    (void)dir.write("config.yaml", good);
    ::kill(m_pid, SIGHUP);
    ASSERT_TRUE(eventually([&] { return call("/healthz").status == 200; }, 30s)) << log();
    EXPECT_EQ(health()["last_cycle"]["result"], "ok");
    EXPECT_TRUE(std::ranges::any_of(server.users(), [](const auto& user) {
        return user.value("title", "") == "Staff Engineer";
    })) << "the change the failed cycle could not send";
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
}

// Before the first cycle ends: 200, "starting", no last cycle. A cycle that does not end within
// twice (every + jitter) is a stuck loop: 503, "stale".
TEST_F(ListenTest, AFirstCycleIsStartingAndOneThatDoesNotEndIsStale) {
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"), "  timeout_seconds: 20\n",
                                 "  timeout_seconds: 20\n  max_concurrency: 1\n  bulk: false\n"));
    server.set_mode({{"latencyMs", 2000}}); // the first cycle takes 20 s and more
    start_listening("3s");
    ASSERT_TRUE(eventually([&] { return call("/healthz").status != 0; })) << log();
    const auto starting = call("/healthz");
    EXPECT_EQ(starting.status, 200) << starting.body;
    const auto first = nlohmann::json::parse(starting.body);
    EXPECT_EQ(first["status"], "starting") << first.dump(2);
    EXPECT_TRUE(first["last_cycle"].is_null());
    EXPECT_EQ(first["cycle_running"], true);
    EXPECT_EQ(first["stale_after_seconds"], 6);

    ASSERT_TRUE(eventually([&] { return call("/healthz").status == 503; })) << log();
    const auto stale = health();
    EXPECT_EQ(stale["status"], "stale") << stale.dump(2);
    EXPECT_TRUE(stale["last_cycle"].is_null());
    EXPECT_EQ(stale["cycle_running"], true);
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
}

TEST_F(ListenTest, ServesOnTheIpv6Loopback) {
    if (!LoopbackSocket(AF_INET6).bound()) GTEST_SKIP() << "this machine has no ::1";
    start_listening("1h", AF_INET6);
    ASSERT_TRUE(cycles_reach(1)) << log();
    EXPECT_EQ(call("/healthz").status, 200);
    EXPECT_NE(log().find("serving /metrics and /healthz on http://[::1]:"), std::string::npos)
        << log();
    EXPECT_EQ(stop_with(SIGTERM), 0) << log();
}

TEST_F(ListenTest, APortInUseIsExitOneNamingTheAddressBeforeAnyCycle) {
    LoopbackSocket taken;
    ASSERT_TRUE(taken.listen());
    const auto address = "127.0.0.1:" + std::to_string(taken.port());
    const auto started = std::chrono::steady_clock::now();
    auto result = hr2scim({"run", "--every", "1h", "--listen", address}, server.token());
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_NE(result.err.find("--listen " + address + ": cannot listen there: the port is in use"),
              std::string::npos)
        << result.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    EXPECT_EQ(server.all_requests().size(), 0U) << "no cycle ran";

    auto unbracketed = hr2scim({"run", "--every", "1h", "--listen", "::1:9464"}, server.token());
    EXPECT_EQ(unbracketed.exit_code, 64) << unbracketed.err;
    EXPECT_NE(unbracketed.err.find("an IPv6 address goes in brackets: [::1]:9464"),
              std::string::npos)
        << unbracketed.err;
    auto no_host = hr2scim({"run", "--every", "1h", "--listen", "9464"}, server.token());
    EXPECT_EQ(no_host.exit_code, 64) << no_host.err;
}

} // namespace
} // namespace hr2scim::testing
