#pragma once
// The one HTTP layer: every component that speaks HTTP goes through here.
//
// One libcurl multi handle per client, driven by one I/O thread: send() may be called from
// any number of threads at once, and their requests share the client's connections (kept
// alive between calls, HTTP/2-multiplexed where the server offers it).

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

namespace hr2scim::http {

struct Request {
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct Response {
    long status = 0;
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;                           // decoded when it came compressed

    [[nodiscard]] const std::string* header(const std::string& lower_name) const;
};

// The request never reached an HTTP answer: DNS, connect, TLS, timeout.
struct TransportError {
    std::string message;
};

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
    std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
    std::string ca_file; // empty: the system's trust store
    std::string user_agent = "hr2scim";
    size_t max_connections = 8; // per host; requests beyond wait for a free one
    // Mutual TLS: a client certificate and its key (PEM). Both or neither.
    std::string client_certificate;
    std::string client_key;
};

class HttpClient {
  public:
    explicit HttpClient(ClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Thread-safe; blocks until the answer (or the transport error) is there.
    [[nodiscard]] tl::expected<Response, TransportError> send(const Request& request);

  private:
    struct Engine;
    ClientOptions m_options;
    std::unique_ptr<Engine> m_engine;
};

} // namespace hr2scim::http
