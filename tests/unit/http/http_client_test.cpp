// What a request may carry, and what happens to one that cannot be sent: refused here by
// name, never handed to libcurl, never retried; the client goes on working.

#include "http/http_client.hpp"
#include "http/retrying_sender.hpp"
#include "tests/support/node_server.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace hr2scim::http {
namespace {

TEST(RequestProblem, NamesWhatIsTooLongOrUnsafe) {
    Request request{"GET", "https://h/e?page=2", {{"Authorization", "Bearer abc"}}, {}};
    EXPECT_EQ(request_problem(request), "");

    Request long_url = request;
    long_url.url += std::string(k_max_url_bytes, 'x');
    EXPECT_EQ(request_problem(long_url),
              "the URL is " + std::to_string(long_url.url.size()) + " bytes long, more than 65536");

    Request long_header = request;
    long_header.headers[0].second = "Bearer " + std::string(size_t{1} << 20, 't');
    EXPECT_EQ(request_problem(long_header),
              "the Authorization header is 1048596 bytes long, more than 65536");

    Request many_headers = request;
    for (int i = 0; i < 5; ++i)
        many_headers.headers.emplace_back("X-" + std::to_string(i), std::string(60000, 'v'));
    size_t total = 0;
    for (const auto& [name, value] : many_headers.headers)
        total += name.size() + value.size();
    EXPECT_EQ(request_problem(many_headers), "the headers are " + std::to_string(total) +
                                                 " bytes long, more than 262144 together");

    Request injected = request;
    injected.headers[0].second = "Bearer abc\r\nX-Injected: yes";
    EXPECT_EQ(request_problem(injected),
              "the Authorization header it holds a control character (a line break would "
              "inject a header)");
    Request bad_url = request;
    bad_url.url += "\r\n";
    EXPECT_EQ(request_problem(bad_url), "the URL holds a control character");
}

// Refused before anything is sent: sending it again cannot help, so it is sent once, and the
// retry loop never sleeps.
TEST(SendWithRetries, ARequestRefusedLocallyIsNotRetried) {
    HttpClient client({});
    RetryPolicy policy;
    policy.max_attempts = 4;
    int slept = 0;
    const Sleeper sleeper = [&](std::chrono::milliseconds) { ++slept; };
    for (const std::string& url :
         {"http://127.0.0.1:9/?cursor=" + std::string(size_t{1} << 20, 'c'),
          std::string("ftp://127.0.0.1/file")}) {
        auto sent = send_with_retries(client, {"GET", url, {}, {}}, policy, sleeper, {});
        ASSERT_FALSE(sent.result) << url.substr(0, 40);
        EXPECT_TRUE(sent.result.error().local) << sent.result.error().message;
        EXPECT_EQ(sent.attempts, 1) << sent.result.error().message;
    }
    EXPECT_EQ(slept, 0);
}

// libcurl once failed such a request itself, and the next request on the same client then
// waited for ever (PIPEWAIT on the broken connection). Now the next one is answered.
TEST(HttpClient, StaysUsableAfterARequestTooLargeToSend) {
    testing::NodeServer api("tests/hr_api_server/server.mjs", {"--port", "0"});
    const std::string base = "http://127.0.0.1:" + std::to_string(api.port());
    ClientOptions options;
    options.request_timeout = std::chrono::seconds(5);
    HttpClient client(options);
    for (int round = 0; round < 3; ++round) {
        auto refused =
            client.send({"GET", base + "/admin/requests?pad=" + std::string(1 << 20, 'x'), {}, {}});
        ASSERT_FALSE(refused);
        EXPECT_TRUE(refused.error().local);
        auto answered = client.send({"GET", base + "/admin/requests", {}, {}});
        ASSERT_TRUE(answered) << answered.error().message;
        EXPECT_EQ(answered->status, 200);
    }
}

// A listening socket that never answers: the kernel completes the connection, nobody reads.
class SilentServer {
  public:
    SilentServer() : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (::bind(m_fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
            ::listen(m_fd, 8) != 0 ||
            ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
            throw std::runtime_error("cannot listen");
        m_port = ntohs(address.sin_port);
    }
    ~SilentServer() { ::close(m_fd); }
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;
    [[nodiscard]] int port() const { return m_port; }

  private:
    int m_fd;
    int m_port = 0;
};

// Whatever libcurl does (here: no timeout of its own at all), the engine ends a transfer at
// connect timeout + request timeout + a few seconds, and send() returns.
TEST(HttpClient, EndsATransferLibcurlWouldWaitOnForEver) {
    SilentServer silent;
    ClientOptions options;
    options.connect_timeout = std::chrono::seconds(1);
    options.request_timeout = std::chrono::milliseconds(0); // libcurl: no timeout
    HttpClient client(options);
    const auto started = std::chrono::steady_clock::now();
    auto answer =
        client.send({"GET", "http://127.0.0.1:" + std::to_string(silent.port()) + "/", {}, {}});
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().message, "no answer within 1 s (timeout)");
    EXPECT_FALSE(answer.error().local) << "a timeout may be retried";
    EXPECT_GE(took, std::chrono::seconds(5));
    EXPECT_LT(took, std::chrono::seconds(9));
}

} // namespace
} // namespace hr2scim::http
