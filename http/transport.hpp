#pragma once
// The seam between what speaks HTTP and what carries it: HttpClient is the real transport,
// tests answer from a script (tests/support/fake_transport.hpp). Nothing here needs libcurl.

#include <map>
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

    [[nodiscard]] const std::string* header(const std::string& lower_name) const {
        auto found = headers.find(lower_name);
        return found == headers.end() ? nullptr : &found->second;
    }
};

// The request never reached an HTTP answer: DNS, connect, TLS, timeout.
struct TransportError {
    std::string message;
    // Refused here, before anything was sent (too large, a URL libcurl cannot use): sending it
    // again cannot help, so it is never retried.
    bool local = false;
};

class Transport {
  public:
    virtual ~Transport() = default;
    // Thread-safe: blocks until the answer (or the transport error) is there.
    [[nodiscard]] virtual tl::expected<Response, TransportError> send(const Request& request) = 0;
};

} // namespace hr2scim::http
