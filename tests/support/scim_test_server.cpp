#include "tests/support/scim_test_server.hpp"

#include <csignal>
#include <cstdlib>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

constexpr int k_start_timeout_ms = 20000;

// Reads the "LISTENING <port>" line the server prints once it accepts connections.
int read_port(int fd) {
    std::string line;
    char c = 0;
    while (true) {
        pollfd wait_for{fd, POLLIN, 0};
        if (::poll(&wait_for, 1, k_start_timeout_ms) <= 0) throw std::runtime_error("SCIM test server did not start");
        if (::read(fd, &c, 1) != 1) throw std::runtime_error("SCIM test server exited before listening");
        if (c == '\n') break;
        line += c;
    }
    if (!line.starts_with("LISTENING ")) throw std::runtime_error("unexpected server output: " + line);
    return std::stoi(line.substr(10));
}

} // namespace

ScimTestServer::ScimTestServer(std::string token, std::optional<Tls> tls)
    : m_token(std::move(token)), m_tls(tls.has_value()),
      m_http(http::ClientOptions{std::chrono::seconds(10), std::chrono::seconds(30), tls ? tls->cert_file : "", "tests"}) {
    int in_pipe[2], out_pipe[2];
    if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    m_pid = ::fork();
    if (m_pid < 0) throw std::runtime_error("fork failed");
    if (m_pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::close(in_pipe[1]);
        ::close(out_pipe[0]);
        ::setenv("SCIM_TEST_TOKEN", m_token.c_str(), 1);
        std::string script = std::string(HR2SCIM_SOURCE_DIR) + "/tests/scim_server/server.mjs";
        if (tls)
            ::execl(HR2SCIM_NODE, "node", script.c_str(), "--port", "0", "--host", "127.0.0.1", "--tls-cert",
                    tls->cert_file.c_str(), "--tls-key", tls->key_file.c_str(), nullptr);
        else
            ::execl(HR2SCIM_NODE, "node", script.c_str(), "--port", "0", "--host", "127.0.0.1", nullptr);
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    m_stdin = in_pipe[1]; // the server exits when this closes, even if the test crashes
    m_port = read_port(out_pipe[0]);
    ::close(out_pipe[0]);
}

ScimTestServer::~ScimTestServer() {
    if (m_stdin >= 0) ::close(m_stdin);
    if (m_pid > 0) {
        ::kill(m_pid, SIGTERM);
        ::waitpid(m_pid, nullptr, 0);
    }
}

std::string ScimTestServer::base_url() const {
    return std::string(m_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port);
}

std::string ScimTestServer::scim_url() const { return base_url() + "/scim/v2"; }

http::Response ScimTestServer::test_api(const std::string& method, const std::string& path, const std::string& body) {
    http::Request request{method, base_url() + "/test" + path, {}, body};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    auto response = m_http.send(request);
    if (!response) throw std::runtime_error("test API call failed: " + response.error().message);
    return *response;
}

http::Response ScimTestServer::scim(const std::string& method, const std::string& path, const std::string& body) {
    http::Request request{method, scim_url() + path, {{"Authorization", "Bearer " + m_token}}, body};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/scim+json");
    auto response = m_http.send(request);
    if (!response) throw std::runtime_error("SCIM call failed: " + response.error().message);
    return *response;
}

nlohmann::json ScimTestServer::users() { return nlohmann::json::parse(test_api("GET", "/users").body); }

nlohmann::json ScimTestServer::user_with_external_id(const std::string& external_id) {
    for (auto& user : users())
        if (user.value("externalId", "") == external_id) return user;
    return nullptr;
}

nlohmann::json ScimTestServer::requests() { return nlohmann::json::parse(test_api("GET", "/requests").body); }

size_t ScimTestServer::count_requests(const std::string& method) {
    size_t count = 0;
    for (const auto& request : requests()) count += request["method"] == method ? 1 : 0;
    return count;
}

void ScimTestServer::clear_requests() { test_api("DELETE", "/requests"); }

void ScimTestServer::add_fault(const nlohmann::json& fault) { test_api("POST", "/faults", fault.dump()); }

} // namespace hr2scim::testing
