#pragma once
// How a request proves who sends it, for targets and HR APIs alike: a bearer token, HTTP
// Basic, or OAuth2 client credentials (RFC 6749 §4.4). An OAuth2 token is fetched on first
// use, kept until shortly before it expires, and fetched again once when a request using it
// is answered 401. Every secret, and every token as it arrives, joins the secret registry.

#include "http/retrying_sender.hpp"
#include "http/transport.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <tl/expected.hpp>

namespace hr2scim::http {

// Longer OAuth2 access tokens are refused (real ones, JWTs included, are a few KiB).
inline constexpr size_t k_max_access_token_bytes = size_t{32} << 10;

struct Credentials {
    enum class Kind { none, bearer, basic, oauth2 };
    Kind kind = Kind::none;
    std::string token;    // bearer
    std::string username; // basic
    std::string password; // basic
    std::string token_url;
    std::string client_id;
    std::string client_secret;
    std::string scope; // oauth2, optional
    // oauth2: the client id and secret in the form body (RFC 6749 §2.3.1's alternative, which
    // Personio's and Workday's token endpoints take) instead of as Basic.
    bool client_secret_in_body = false;
    // oauth2: the refresh_token grant (Workday's API clients) instead of client_credentials.
    std::string refresh_token;
    // oauth2: where the token is in the endpoint's JSON answer when it is not access_token
    // (Personio's /v1/auth: /data/token), a JSON pointer.
    std::string token_pointer;
};

class Authenticator {
  public:
    using Clock = std::chrono::steady_clock;

    Authenticator(Credentials credentials, Transport& http, RetryPolicy retry);

    // The Authorization header's value (empty for none), or why there is none. Thread-safe.
    [[nodiscard]] tl::expected<std::string, std::string> authorization();
    // A request sent with `used` was answered 401. True when a fresh OAuth2 token will be
    // fetched for the next call (once per token: a second 401 is the answer).
    [[nodiscard]] bool refused(const std::string& used);
    // How long the last OAuth2 access token was said to live (expires_in); nothing before one
    // was fetched, for other kinds, or when the token endpoint did not say.
    [[nodiscard]] std::optional<std::chrono::seconds> token_lifetime();

  private:
    tl::expected<std::string, std::string> fetch_token();

    Credentials m_credentials;
    Transport& m_http;
    RetryPolicy m_retry;
    std::mutex m_mutex;
    std::string m_header; // the current one; never logged
    std::optional<Clock::time_point> m_expires;
    std::optional<std::chrono::seconds> m_lifetime;
    // After a refusal the next token fetched replaces the refused one; if it is refused too,
    // that is the target's answer.
    bool m_replacing = false;
    std::string m_replacement;
};

} // namespace hr2scim::http
