#pragma once
// `hr2scim run --listen 127.0.0.1:9464`: the loop's HTTP listener. GET (or HEAD) /metrics is
// the Prometheus text format, /healthz the loop's health as JSON (see loop_status.hpp); any
// other path is 404, any other method 405. It serves from threads of its own, reading only a
// copy of the LoopStatus, so a scrape never waits for a cycle nor touches the state.

#include "agent/loop_status.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tl/expected.hpp>

namespace hr2scim::agent {

struct ListenAddress {
    std::string host; // an address ("127.0.0.1", "::1", without brackets) or a name
    int port = 0;
    [[nodiscard]] std::string text() const; // "127.0.0.1:9464", "[::1]:9464"
};

// "127.0.0.1:9464", "[::1]:9464", "localhost:9464"; otherwise why not.
[[nodiscard]] tl::expected<ListenAddress, std::string> parse_listen_address(std::string_view text);
// 127.0.0.0/8, ::1 (and ::ffff:127.x.y.z), or "localhost".
[[nodiscard]] bool is_loopback(const std::string& host);

// It cannot listen where told (the port is in use, the address is not this machine's).
class ListenError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Listener {
  public:
    // Listening once constructed; throws ListenError when it cannot. `status` must outlive it.
    Listener(const ListenAddress& address, const LoopStatus& status);
    ~Listener(); // stops listening and waits for the requests being answered
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

  private:
    struct Server;
    std::unique_ptr<Server> m_server;
    std::thread m_thread; // last: it starts once the server is bound
};

} // namespace hr2scim::agent
