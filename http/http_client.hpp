#pragma once
// The one HTTP layer: every component that speaks HTTP goes through here.
//
// One libcurl multi handle per client, driven by one I/O thread: send() may be called from
// any number of threads at once, and their requests share the client's connections (kept
// alive between calls, HTTP/2-multiplexed where the server offers it).

#include "http/transport.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <tl/expected.hpp>

namespace hr2scim::http {

// What one request may carry. Values taken from answers (next links, cursors, tokens, ids,
// ETags) end up in URLs and headers; past these sizes the request is refused here, naming
// what was too long, rather than handed to libcurl (which fails requests over 1 MiB).
inline constexpr size_t k_max_url_bytes = size_t{64} << 10;
inline constexpr size_t k_max_header_bytes = size_t{64} << 10;   // one header, name and value
inline constexpr size_t k_max_headers_bytes = size_t{256} << 10; // all of them

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

// Why `request` is not sent (a control character in its URL or a header, or a URL or header
// past the limits above), or empty. Never shows the value: it may be a secret.
[[nodiscard]] std::string request_problem(const Request& request);

class HttpClient final : public Transport {
  public:
    explicit HttpClient(ClientOptions options);
    ~HttpClient() override;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Thread-safe; blocks until the answer (or the transport error) is there, and never past
    // connect_timeout + request_timeout (and a few seconds): then it is "no answer".
    [[nodiscard]] tl::expected<Response, TransportError> send(const Request& request) override;

  private:
    struct Engine;
    ClientOptions m_options;
    std::unique_ptr<Engine> m_engine;
};

} // namespace hr2scim::http
