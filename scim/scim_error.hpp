#pragma once
// A failed call to a target, with what the target said about it (RFC 7644 §3.12).

#include <string>

namespace hr2scim::http {
struct Response;
}

namespace hr2scim::scim {

struct CallError {
    long status = 0;       // 0: no HTTP answer (connect, TLS, timeout)
    std::string scim_type; // e.g. "uniqueness", "invalidValue"
    std::string detail;
    int attempts = 1;

    // One line for people: "HTTP 409 uniqueness: userName ... is already taken".
    [[nodiscard]] std::string describe() const;
};

// Reads status, scimType and detail from a SCIM error body; falls back to the raw body.
[[nodiscard]] CallError error_from_response(const http::Response& response);

} // namespace hr2scim::scim
