#include "http/auth.hpp"

#include "http/json_body.hpp"
#include "http/redact.hpp"
#include "http/secrets.hpp"
#include "http/url.hpp"

#include <algorithm>

namespace hr2scim::http {
namespace {

// A token is renewed this long before the server says it expires.
constexpr std::chrono::seconds k_renew_before{30};

std::string basic(const std::string& user, const std::string& password) {
    return "Basic " + base64_encode(user + ":" + password);
}

} // namespace

Authenticator::Authenticator(Credentials credentials, Transport& http, RetryPolicy retry)
    : m_credentials(std::move(credentials)), m_http(http), m_retry(retry) {
    switch (m_credentials.kind) {
    case Credentials::Kind::none:
        break;
    case Credentials::Kind::bearer:
        register_secret(m_credentials.token);
        m_header = "Bearer " + m_credentials.token;
        break;
    case Credentials::Kind::basic:
        register_basic_credentials(m_credentials.username, m_credentials.password);
        m_header = basic(m_credentials.username, m_credentials.password);
        break;
    case Credentials::Kind::oauth2:
        // RFC 6749 §2.3.1: the client id and secret are form-encoded, then sent as Basic.
        register_secret(m_credentials.client_secret);
        register_secret(m_credentials.refresh_token);
        register_basic_credentials(url_encode(m_credentials.client_id),
                                   url_encode(m_credentials.client_secret));
        break;
    }
}

tl::expected<std::string, std::string> Authenticator::authorization() {
    std::lock_guard lock(m_mutex);
    if (m_credentials.kind != Credentials::Kind::oauth2) return m_header;
    if (!m_header.empty() && (!m_expires || Clock::now() < *m_expires)) return m_header;
    return fetch_token();
}

bool Authenticator::refused(const std::string& used) {
    std::lock_guard lock(m_mutex);
    if (m_credentials.kind != Credentials::Kind::oauth2) return false;
    if (!m_replacement.empty() && used == m_replacement) return false; // refused again
    if (used == m_header) {
        m_header.clear(); // the next authorization() fetches a new token
        m_replacing = true;
    }
    // Otherwise another request saw the refusal first: its new token serves this one too.
    return true;
}

tl::expected<std::string, std::string> Authenticator::fetch_token() {
    std::string body =
        m_credentials.refresh_token.empty()
            ? "grant_type=client_credentials"
            : "grant_type=refresh_token&refresh_token=" + url_encode(m_credentials.refresh_token);
    if (!m_credentials.scope.empty()) body += "&scope=" + url_encode(m_credentials.scope);
    Request request{
        "POST",
        m_credentials.token_url,
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
        {}};
    if (m_credentials.client_secret_in_body)
        body += "&client_id=" + url_encode(m_credentials.client_id) +
                "&client_secret=" + url_encode(m_credentials.client_secret);
    else
        request.headers.emplace_back(
            "Authorization",
            basic(url_encode(m_credentials.client_id), url_encode(m_credentials.client_secret)));
    request.body = std::move(body);
    const std::string where = "the OAuth2 token request to " + redact_url(m_credentials.token_url);
    auto sent = send_with_retries(m_http, request, m_retry, real_sleeper(), {});
    if (!sent.result)
        return tl::unexpected(where +
                              " failed: no answer: " + redact_secrets(sent.result.error().message));
    if (classify_status(sent.result->status) != Verdict::ok)
        return tl::unexpected(where + " failed: HTTP " + std::to_string(sent.result->status) +
                              ": " + redact_secrets(sent.result->body).substr(0, 200));
    auto answer = parse_json_body(sent.result->body);
    const nlohmann::json* token = nullptr;
    const nlohmann::json::json_pointer at(
        m_credentials.token_pointer.empty() ? "/access_token" : m_credentials.token_pointer);
    if (answer && answer->is_object() && answer->contains(at))
        if (const auto& found = answer->at(at);
            found.is_string() && !found.get_ref<const std::string&>().empty())
            token = &found;
    if (!token)
        return tl::unexpected(where + " answered without " +
                              (m_credentials.token_pointer.empty()
                                   ? std::string("an access_token")
                                   : "a token at " + m_credentials.token_pointer));
    const auto& value = token->get_ref<const std::string&>();
    // It is sent with every request: one too large for a header is refused here, by name.
    if (value.size() > k_max_access_token_bytes)
        return tl::unexpected(where + " answered with an access_token of " +
                              std::to_string(value.size()) + " bytes, more than " +
                              std::to_string(k_max_access_token_bytes) + "; refused");
    register_secret(value);
    // RFC 6750 tokens are visible ASCII; anything else could smuggle a header into a request.
    if (std::ranges::any_of(value, [](unsigned char c) { return c <= 0x20 || c >= 0x7f; }))
        return tl::unexpected(
            where + " answered with an access_token holding spaces or control characters; refused");
    m_header = "Bearer " + value;
    m_expires.reset();
    m_lifetime.reset();
    if (auto expires = answer->find("expires_in");
        expires != answer->end() && expires->is_number() && expires->get<double>() > 0) {
        const auto lifetime = std::chrono::seconds(
            static_cast<long long>(std::min(expires->get<double>(), 366.0 * 24 * 3600)));
        m_expires = Clock::now() + std::max(std::chrono::seconds(0), lifetime - k_renew_before);
        m_lifetime = lifetime;
    }
    if (m_replacing) {
        m_replacement = m_header;
        m_replacing = false;
    }
    return m_header;
}

std::optional<std::chrono::seconds> Authenticator::token_lifetime() {
    std::lock_guard lock(m_mutex);
    return m_lifetime;
}

} // namespace hr2scim::http
