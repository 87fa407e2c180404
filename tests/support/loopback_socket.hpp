#pragma once
// A TCP socket of the test's own on the loopback (127.0.0.1 or ::1): to hold a port, to free
// one, or to find one nothing listens on.

#include <sys/socket.h>

namespace hr2scim::testing {

class LoopbackSocket {
  public:
    // Bound to `port` (0: any free one) with SO_REUSEADDR, as a server restarting would be.
    explicit LoopbackSocket(int family = AF_INET, int port = 0);
    ~LoopbackSocket();
    LoopbackSocket(const LoopbackSocket&) = delete;
    LoopbackSocket& operator=(const LoopbackSocket&) = delete;

    [[nodiscard]] bool bound() const { return m_bound; }
    [[nodiscard]] int port() const { return m_port; }
    bool listen();

  private:
    int m_fd = -1;
    int m_port = 0;
    bool m_bound = false;
};

// A loopback port nothing listens on now.
[[nodiscard]] int free_port(int family = AF_INET);

} // namespace hr2scim::testing
