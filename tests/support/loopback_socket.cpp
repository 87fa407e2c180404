#include "tests/support/loopback_socket.hpp"

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <unistd.h>

namespace hr2scim::testing {

LoopbackSocket::LoopbackSocket(int family, int port) {
    m_fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int yes = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    sockaddr_storage address{};
    socklen_t size = 0;
    if (family == AF_INET6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
        v6->sin6_family = AF_INET6;
        v6->sin6_addr = in6addr_loopback;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        size = sizeof(sockaddr_in6);
    } else {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        v4->sin_port = htons(static_cast<uint16_t>(port));
        size = sizeof(sockaddr_in);
    }
    m_bound = ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), size) == 0;
    size = sizeof(address);
    if (m_bound && ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &size) == 0)
        m_port = family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
                                    : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

LoopbackSocket::~LoopbackSocket() {
    ::close(m_fd);
}

bool LoopbackSocket::listen() {
    return ::listen(m_fd, 4) == 0;
}

int free_port(int family) {
    const LoopbackSocket socket(family);
    return socket.port();
}

} // namespace hr2scim::testing
