#pragma once
// A transport that answers from a script and records every request, for unit tests of what
// speaks HTTP (in the spirit of ninja's FakeCommandRunner). Rules are tried in the order they
// were added; a rule given a number of times answers that often, then lets the next rule
// answer. A request no rule answers gets a 500 whose detail names it, so that a failing test
// says which request it did not expect. Thread-safe: the executor sends concurrently.

#include "http/retry.hpp"
#include "http/transport.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::testing {

struct SentRequest {
    std::string method;
    std::string path; // relative to the base URL, query included: "/Users?filter=..."
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The value of a header (name compared ignoring case), if it was sent.
    [[nodiscard]] std::optional<std::string> header(const std::string& name) const;
    [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(body); }
    // "PATCH /Users/u1"
    [[nodiscard]] std::string line() const { return method + " " + path; }
};

// What a rule answers: an HTTP answer, or none at all (a transport error).
struct Reply {
    long status = 200;
    std::string body;
    std::map<std::string, std::string> headers; // names lower-cased, as HttpClient gives them
    std::optional<std::string> no_answer;       // set: the request got no answer, for this reason

    [[nodiscard]] static Reply json(long status, const nlohmann::json& body,
                                    std::map<std::string, std::string> headers = {});
    [[nodiscard]] static Reply empty(long status, std::map<std::string, std::string> headers = {});
    // A SCIM error body (RFC 7644 §3.12).
    [[nodiscard]] static Reply error(long status, const std::string& detail = "failed",
                                     const std::string& scim_type = {});
    [[nodiscard]] static Reply none(std::string why = "connection reset by peer");
};

class FakeTransport final : public http::Transport {
  public:
    using Matcher = std::function<bool(const SentRequest&)>;
    using Responder = std::function<Reply(const SentRequest&)>;
    static constexpr size_t k_always = 0; // as `times`: every time

    explicit FakeTransport(std::string base_url = "https://target.test/scim/v2")
        : m_base_url(std::move(base_url)) {}

    [[nodiscard]] const std::string& base_url() const { return m_base_url; }

    // `path` exactly (query included).
    void on(const std::string& method, const std::string& path, Reply reply,
            size_t times = k_always);
    // Any path starting with `prefix`.
    void on_prefix(const std::string& method, const std::string& prefix, Reply reply,
                   size_t times = k_always);
    // Any request `matches` accepts, answered by `respond` (which sees the request).
    void on_match(std::string description, Matcher matches, Responder respond,
                  size_t times = k_always);

    tl::expected<http::Response, http::TransportError> send(const http::Request& request) override;

    [[nodiscard]] std::vector<SentRequest> requests() const;
    // "METHOD path" of every request, in the order sent.
    [[nodiscard]] std::vector<std::string> lines() const;
    // Requests of `method` whose path starts with `path_prefix`.
    [[nodiscard]] size_t count(const std::string& method, const std::string& path_prefix) const;
    // Requests no rule answered ("GET /Users/x"), to check in a test's end.
    [[nodiscard]] std::vector<std::string> unanswered() const;
    void clear_requests();

  private:
    struct Rule {
        std::string description;
        Matcher matches;
        Responder respond;
        std::optional<size_t> left; // answers left; nothing: no limit
    };

    std::string m_base_url;
    mutable std::mutex m_mutex;
    std::vector<Rule> m_rules;
    std::vector<SentRequest> m_requests;
    std::vector<std::string> m_unanswered;
};

// Retries as the real policy counts them (4 attempts), without waiting between them.
[[nodiscard]] inline http::RetryPolicy retry_without_waiting() {
    return {4, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
            std::chrono::milliseconds(1000)};
}

} // namespace hr2scim::testing
