// --listen's address, and the listener in this process: its answers while another thread
// changes the loop's status (built under ThreadSanitizer in CI), a port in use, and that it
// stops and frees the port when it goes.

#include "agent/listener.hpp"
#include "http/http_client.hpp"
#include "tests/support/loopback_socket.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>

namespace hr2scim::agent {
namespace {

using namespace std::chrono_literals;

TEST(ListenAddress, HostAndPortWithIpv6InBrackets) {
    const auto v4 = parse_listen_address("127.0.0.1:9464");
    ASSERT_TRUE(v4) << v4.error();
    EXPECT_EQ(v4->host, "127.0.0.1");
    EXPECT_EQ(v4->port, 9464);
    EXPECT_EQ(v4->text(), "127.0.0.1:9464");
    const auto v6 = parse_listen_address("[::1]:9464");
    ASSERT_TRUE(v6) << v6.error();
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->text(), "[::1]:9464");
    EXPECT_EQ(parse_listen_address("localhost:1")->host, "localhost");
    EXPECT_EQ(parse_listen_address("localhost:65535")->port, 65535);
}

TEST(ListenAddress, EachMistakeSaysWhatToWrite) {
    const std::pair<const char*, const char*> cases[] = {
        {"9464", "write HOST:PORT"},
        {":9464", "name the address, e.g. 127.0.0.1:9464"},
        {"::1:9464", "an IPv6 address goes in brackets: [::1]:9464"},
        {"[::1]9464", "write [ADDRESS]:PORT"},
        {"127.0.0.1:", "the port must be 1 to 65535"},
        {"127.0.0.1:0", "the port must be 1 to 65535"},
        {"127.0.0.1:65536", "the port must be 1 to 65535"},
        {"127.0.0.1:99999999999", "the port must be 1 to 65535"},
        {"127.0.0.1:94x", "no port number"},
    };
    for (const auto& [text, error] : cases) {
        const auto address = parse_listen_address(text);
        ASSERT_FALSE(address) << text;
        EXPECT_EQ(address.error(), error) << text;
    }
}

TEST(ListenAddress, LoopbackIsTheWholeOf127AndOnlyOneOfIpv6) {
    for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "localhost"})
        EXPECT_TRUE(is_loopback(host)) << host;
    for (const char* host :
         {"0.0.0.0", "10.0.0.1", "128.0.0.1", "::", "::2", "::ffff:10.0.0.1", "example.com", ""})
        EXPECT_FALSE(is_loopback(host)) << host;
}

http::ClientOptions quick() {
    http::ClientOptions options;
    options.connect_timeout = 2s;
    options.request_timeout = 5s;
    return options;
}

TEST(Listener, AnswersWhileTheLoopChangesItsStatusAndFreesThePortWhenItGoes) {
    LoopStatus status(10s, 1s);
    const ListenAddress address{"127.0.0.1", testing::free_port()};
    const std::string base = "http://" + address.text();
    http::HttpClient client(quick());
    auto listener = std::make_unique<Listener>(address, status);

    std::atomic<bool> done = false;
    std::thread loop([&] {
        for (int cycle = 0; !done; ++cycle) {
            status.cycle_started();
            status.cycle_ended(CycleSummary{},
                               "hr2scim_runs_total " + std::to_string(cycle) + "\n");
        }
    });
    size_t answered = 0;
    for (int request = 0; request < 20; ++request) {
        const auto path = request % 2 == 0 ? "/healthz" : "/metrics";
        const auto answer = client.send({"GET", base + path, {}, {}});
        ASSERT_TRUE(answer) << answer.error().message;
        EXPECT_EQ(answer->status, 200) << answer->body;
        if (request % 2 == 0) {
            const auto said = nlohmann::json::parse(answer->body)["status"];
            EXPECT_TRUE(said == "ok" || said == "starting") << answer->body;
        } else {
            EXPECT_NE(answer->body.find("hr2scim_loop_cycles_total "), std::string::npos);
        }
        answered += answer->status == 200 ? 1 : 0;
    }
    done = true;
    loop.join();
    EXPECT_EQ(answered, 20U);
    EXPECT_EQ(client.send({"GET", base + "/nothing", {}, {}})->status, 404);
    EXPECT_EQ(client.send({"DELETE", base + "/metrics", {}, {}})->status, 405);

    listener.reset();
    EXPECT_FALSE(client.send({"GET", base + "/healthz", {}, {}})) << "nothing listens there";
    testing::LoopbackSocket again(AF_INET, address.port);
    EXPECT_TRUE(again.bound() && again.listen());
}

TEST(Listener, APortInUseIsAListenErrorNamingTheAddress) {
    testing::LoopbackSocket taken;
    ASSERT_TRUE(taken.listen());
    const LoopStatus status(10s, 1s);
    try {
        const Listener listener({"127.0.0.1", taken.port()}, status);
        ADD_FAILURE() << "listened on a port in use";
    } catch (const ListenError& error) {
        EXPECT_EQ(std::string(error.what()), "--listen 127.0.0.1:" + std::to_string(taken.port()) +
                                                 ": cannot listen there: the port is in use "
                                                 "(another hr2scim run, or another program)");
    }
}

TEST(Listener, StopsAtOnceWhenDestroyedRightAfterItStarts) {
    const LoopStatus status(10s, 1s);
    for (int attempt = 0; attempt < 5; ++attempt) {
        const auto started = std::chrono::steady_clock::now();
        { const Listener listener({"127.0.0.1", testing::free_port()}, status); }
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    }
}

} // namespace
} // namespace hr2scim::agent
