#pragma once
// A node server script from tests/, started on a free loopback port (it prints
// "LISTENING <port>") and stopped with the object; it also exits when its stdin closes,
// so a crashed test never leaves it running.

#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace hr2scim::testing {

class NodeServer {
  public:
    NodeServer(const std::string& script, const std::vector<std::string>& arguments,
               const std::map<std::string, std::string>& environment = {});
    ~NodeServer();
    NodeServer(const NodeServer&) = delete;
    NodeServer& operator=(const NodeServer&) = delete;

    [[nodiscard]] int port() const { return m_port; }

  private:
    pid_t m_pid = -1;
    int m_stdin = -1;
    int m_port = 0;
};

} // namespace hr2scim::testing
