#include "tests/support/node_server.hpp"

#include <csignal>
#include <cstdlib>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

constexpr int k_start_timeout_ms = 20000;

int read_port(int fd) {
    std::string line;
    char c = 0;
    while (true) {
        pollfd wait_for{fd, POLLIN, 0};
        if (::poll(&wait_for, 1, k_start_timeout_ms) <= 0)
            throw std::runtime_error("test server did not start");
        if (::read(fd, &c, 1) != 1) throw std::runtime_error("test server exited before listening");
        if (c == '\n') break;
        line += c;
    }
    if (!line.starts_with("LISTENING "))
        throw std::runtime_error("unexpected server output: " + line);
    return std::stoi(line.substr(10));
}

} // namespace

NodeServer::NodeServer(const std::string& script, const std::vector<std::string>& arguments,
                       const std::map<std::string, std::string>& environment) {
    int in_pipe[2], out_pipe[2];
    if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    std::string path = std::string(HR2SCIM_SOURCE_DIR) + "/" + script;
    std::vector<char*> argv = {const_cast<char*>("node"), path.data()};
    for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    m_pid = ::fork();
    if (m_pid < 0) throw std::runtime_error("fork failed");
    if (m_pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::close(in_pipe[1]);
        ::close(out_pipe[0]);
        for (const auto& [name, value] : environment)
            ::setenv(name.c_str(), value.c_str(), 1);
        ::execv(HR2SCIM_NODE, argv.data());
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    m_stdin = in_pipe[1];
    m_port = read_port(out_pipe[0]);
    ::close(out_pipe[0]);
}

NodeServer::~NodeServer() {
    if (m_stdin >= 0) ::close(m_stdin);
    if (m_pid > 0) {
        ::kill(m_pid, SIGTERM);
        ::waitpid(m_pid, nullptr, 0);
    }
}

} // namespace hr2scim::testing
