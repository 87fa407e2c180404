#include "agent/listener.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <httplib.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

namespace hr2scim::agent {
namespace {

// A scrape is a few requests a minute; two threads answer them, and a connection serves one
// request and closes, so that stopping never waits on a client's idle keep-alive.
constexpr size_t k_threads = 2;
constexpr time_t k_read_timeout_seconds = 2;
constexpr size_t k_max_request_body = size_t{64} << 10;

tl::expected<int, std::string> parse_port(std::string_view text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos)
        return tl::unexpected<std::string>(text.empty() ? "the port must be 1 to 65535"
                                                        : "no port number");
    int port = 0;
    for (char c : text.substr(0, 6))
        port = port * 10 + (c - '0');
    if (text.size() > 5 || port < 1 || port > 65535)
        return tl::unexpected<std::string>("the port must be 1 to 65535");
    return port;
}

// Why bind() failed, in words an admin acts on.
std::string bind_failure(int error) {
    switch (error) {
    case EADDRINUSE:
        return "the port is in use (another hr2scim run, or another program)";
    case EADDRNOTAVAIL:
        return "the address is not one of this machine's";
    case EACCES:
        return "permission denied (ports below 1024 need privileges)";
    default:
        return "is the address this machine's and the port free?";
    }
}

void answer_metrics(const LoopStatus& status, httplib::Response& response) {
    response.set_content(metrics_of(status.snapshot(), std::chrono::steady_clock::now()),
                         "text/plain; version=0.0.4; charset=utf-8");
}

void answer_health(const LoopStatus& status, httplib::Response& response) {
    const auto health = health_of(status.snapshot(), std::chrono::steady_clock::now());
    response.status = health.http_status;
    response.set_header("Cache-Control", "no-store");
    response.set_content(health.body, "application/json");
}

void configure(httplib::Server& http, const LoopStatus& status) {
    using Handled = httplib::Server::HandlerResponse;
    http.new_task_queue = [] { return new httplib::ThreadPool(k_threads); };
    // SO_REUSEADDR alone: the library's default, SO_REUSEPORT, would let a second process
    // listen on a port already taken, and the two would share its scrapes.
    http.set_socket_options([](int socket) {
        const int yes = 1;
        ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    http.set_keep_alive_max_count(1);
    http.set_keep_alive_timeout(1);
    http.set_read_timeout(k_read_timeout_seconds);
    http.set_write_timeout(k_read_timeout_seconds);
    http.set_payload_max_length(k_max_request_body);
    http.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
        if (request.method == "GET" || request.method == "HEAD") return Handled::Unhandled;
        response.status = 405;
        response.set_header("Allow", "GET, HEAD");
        response.set_content("only GET and HEAD\n", "text/plain; charset=utf-8");
        return Handled::Handled;
    });
    http.Get("/metrics", [&status](const httplib::Request&, httplib::Response& response) {
        answer_metrics(status, response);
    });
    http.Get("/healthz", [&status](const httplib::Request&, httplib::Response& response) {
        answer_health(status, response);
    });
    http.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request&, httplib::Response& response) {
            if (response.status != 404) return Handled::Unhandled;
            response.set_content("not found: this is hr2scim, serving /metrics and /healthz\n",
                                 "text/plain; charset=utf-8");
            return Handled::Handled;
        }));
    // The library's own answer would put the exception's text in a header.
    http.set_exception_handler([](const httplib::Request& request, httplib::Response& response,
                                  const std::exception_ptr&) {
        spdlog::warn("--listen: answering {} failed", request.path);
        response.status = 500;
    });
}

} // namespace

std::string ListenAddress::text() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
}

tl::expected<ListenAddress, std::string> parse_listen_address(std::string_view text) {
    ListenAddress address;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos)
            return tl::unexpected<std::string>("write [ADDRESS]:PORT");
        address.host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return tl::unexpected<std::string>("write HOST:PORT");
        address.host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (address.host.find(':') != std::string::npos)
            return tl::unexpected<std::string>("an IPv6 address goes in brackets: [::1]:9464");
    }
    if (address.host.empty())
        return tl::unexpected<std::string>("name the address, e.g. 127.0.0.1:9464");
    auto number = parse_port(port);
    if (!number) return tl::unexpected<std::string>(number.error());
    address.port = *number;
    return address;
}

bool is_loopback(const std::string& host) {
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
    return host == "localhost";
}

struct Listener::Server {
    httplib::Server http;
    std::atomic<bool> done = false;
};

Listener::Listener(const ListenAddress& address, const LoopStatus& status)
    : m_server(std::make_unique<Server>()) {
    configure(m_server->http, status);
    errno = 0;
    if (!m_server->http.bind_to_port(address.host, address.port)) {
        const int error = errno;
        throw ListenError("--listen " + address.text() +
                          ": cannot listen there: " + bind_failure(error));
    }
    m_thread = std::thread([server = m_server.get()] {
        if (!server->http.listen_after_bind())
            spdlog::error("--listen: the listener stopped after an error; /metrics and /healthz "
                          "are no longer served");
        server->done = true;
    });
}

Listener::~Listener() {
    // stop() does nothing until the server runs: wait for it to run, or to have given up.
    while (!m_server->done && !m_server->http.is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    m_server->http.stop();
    m_thread.join();
}

} // namespace hr2scim::agent
