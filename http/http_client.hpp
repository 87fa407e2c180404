#pragma once
// The one HTTP layer: every component that speaks HTTP goes through here.

#include <chrono>
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
    std::string body;

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
};

// One easy handle per client, so connections are kept alive between calls.
class HttpClient {
  public:
    explicit HttpClient(ClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    [[nodiscard]] tl::expected<Response, TransportError> send(const Request& request);

  private:
    struct Handle;
    ClientOptions m_options;
    std::unique_ptr<Handle> m_handle;
};

} // namespace hr2scim::http
