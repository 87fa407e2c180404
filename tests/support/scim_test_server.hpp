#pragma once
// The real scimmy-based SCIM server (tests/scim_server/server.mjs), started on a free
// loopback port for one test and stopped with it.

#include "http/http_client.hpp"
#include "tests/support/node_server.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <sys/types.h>

namespace hr2scim::testing {

class ScimTestServer {
  public:
    struct Tls {
        std::string cert_file;
        std::string key_file;
        // Mutual TLS: the server requires a client certificate from this CA, and the test
        // endpoints are reached with client_cert/client_key.
        std::string client_ca{};
        std::string client_cert{};
        std::string client_key{};
    };

    // `script`: another test target with the same test endpoints (e.g. seed_server.mjs).
    explicit ScimTestServer(std::string token = "test-token-4f9d2c",
                            std::optional<Tls> tls = std::nullopt,
                            const std::string& script = "tests/scim_server/server.mjs");
    ~ScimTestServer() = default;
    ScimTestServer(const ScimTestServer&) = delete;
    ScimTestServer& operator=(const ScimTestServer&) = delete;

    [[nodiscard]] std::string base_url() const;
    [[nodiscard]] std::string scim_url() const;
    [[nodiscard]] const std::string& token() const { return m_token; }
    // OAuth2 at /oauth/token: client id "hr2scim" and this secret.
    [[nodiscard]] static std::string client_secret() { return "client-secret-6b1f0e"; }
    // Requests for a token it has answered (good credentials or not).
    [[nodiscard]] int token_requests();

    // What the server holds and saw, read from its test endpoints.
    [[nodiscard]] nlohmann::json users();
    [[nodiscard]] nlohmann::json groups();
    [[nodiscard]] nlohmann::json user_with_external_id(const std::string& external_id);
    [[nodiscard]] size_t active_users();
    // Requests for users (what a sync sends); the discovery requests before them are apart.
    [[nodiscard]] nlohmann::json requests();
    [[nodiscard]] nlohmann::json discovery_requests();
    [[nodiscard]] nlohmann::json all_requests();
    [[nodiscard]] static bool is_discovery(const std::string& path);
    [[nodiscard]] size_t count_requests(const std::string& method);
    // Requests of this method the server answered with this status.
    [[nodiscard]] size_t count_answered(const std::string& method, int status);
    void clear_requests();
    void add_fault(const nlohmann::json& fault);
    // Switches a behaviour of real targets on or off, e.g. {"ignoreFilter": true}.
    void set_mode(const nlohmann::json& mode);
    // Forgets every user, request, fault and mode.
    void reset();
    // Requests the server committed and will never answer (faults with "hang").
    [[nodiscard]] int hanging();
    // The most SCIM requests the server was handling at once since it started (or reset).
    [[nodiscard]] int peak_in_flight();
    // 429s the budget mode answered since it started (or reset).
    [[nodiscard]] int budget_rate_limited();
    // A SCIM call made directly, as another client of the target would.
    http::Response scim(const std::string& method, const std::string& path,
                        const std::string& body = {});

  private:
    http::Response test_api(const std::string& method, const std::string& path,
                            const std::string& body = {});

    std::string m_token;
    bool m_tls = false;
    NodeServer m_server;
    http::HttpClient m_http;
};

} // namespace hr2scim::testing
