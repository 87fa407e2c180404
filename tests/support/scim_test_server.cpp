#include "tests/support/scim_test_server.hpp"

#include <stdexcept>

namespace hr2scim::testing {
namespace {

std::vector<std::string> server_arguments(const std::optional<ScimTestServer::Tls>& tls) {
    std::vector<std::string> arguments = {"--port", "0", "--host", "127.0.0.1"};
    if (tls)
        arguments.insert(arguments.end(),
                         {"--tls-cert", tls->cert_file, "--tls-key", tls->key_file});
    if (tls && !tls->client_ca.empty())
        arguments.insert(arguments.end(), {"--tls-client-ca", tls->client_ca});
    return arguments;
}

} // namespace

ScimTestServer::ScimTestServer(std::string token, std::optional<Tls> tls, const std::string& script)
    : m_token(std::move(token)), m_tls(tls.has_value()),
      m_server(script, server_arguments(tls),
               {{"SCIM_TEST_TOKEN", m_token}, {"SCIM_TEST_CLIENT_SECRET", client_secret()}}),
      m_http(http::ClientOptions{std::chrono::seconds(10), std::chrono::seconds(30),
                                 tls ? tls->cert_file : "", "tests", 8, tls ? tls->client_cert : "",
                                 tls ? tls->client_key : ""}) {}

std::string ScimTestServer::base_url() const {
    return std::string(m_tls ? "https" : "http") +
           "://127.0.0.1:" + std::to_string(m_server.port());
}

std::string ScimTestServer::scim_url() const {
    return base_url() + "/scim/v2";
}

http::Response ScimTestServer::test_api(const std::string& method, const std::string& path,
                                        const std::string& body) {
    http::Request request{method, base_url() + "/test" + path, {}, body};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    auto response = m_http.send(request);
    if (!response) throw std::runtime_error("test API call failed: " + response.error().message);
    return *response;
}

http::Response ScimTestServer::scim(const std::string& method, const std::string& path,
                                    const std::string& body) {
    http::Request request{
        method, scim_url() + path, {{"Authorization", "Bearer " + m_token}}, body};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/scim+json");
    auto response = m_http.send(request);
    if (!response) throw std::runtime_error("SCIM call failed: " + response.error().message);
    return *response;
}

nlohmann::json ScimTestServer::users() {
    return nlohmann::json::parse(test_api("GET", "/users").body);
}

nlohmann::json ScimTestServer::groups() {
    return nlohmann::json::parse(test_api("GET", "/groups").body);
}

nlohmann::json ScimTestServer::user_with_external_id(const std::string& external_id) {
    for (auto& user : users())
        if (user.value("externalId", "") == external_id) return user;
    return nullptr;
}

size_t ScimTestServer::active_users() {
    size_t count = 0;
    for (const auto& user : users())
        count += user["active"] == true ? 1 : 0;
    return count;
}

int ScimTestServer::token_requests() {
    return nlohmann::json::parse(test_api("GET", "/stats").body)["tokenRequests"].get<int>();
}

int ScimTestServer::budget_rate_limited() {
    return nlohmann::json::parse(test_api("GET", "/stats").body)["budget429"].get<int>();
}

int ScimTestServer::peak_in_flight() {
    return nlohmann::json::parse(test_api("GET", "/stats").body)["peakInFlight"].get<int>();
}

nlohmann::json ScimTestServer::all_requests() {
    return nlohmann::json::parse(test_api("GET", "/requests").body);
}

nlohmann::json ScimTestServer::requests() {
    auto seen = nlohmann::json::array();
    for (auto& request : all_requests())
        if (!is_discovery(request["path"].get<std::string>())) seen.push_back(std::move(request));
    return seen;
}

nlohmann::json ScimTestServer::discovery_requests() {
    auto seen = nlohmann::json::array();
    for (auto& request : all_requests())
        if (is_discovery(request["path"].get<std::string>())) seen.push_back(std::move(request));
    return seen;
}

size_t ScimTestServer::count_requests(const std::string& method) {
    size_t count = 0;
    for (const auto& request : requests())
        count += request["method"] == method ? 1 : 0;
    return count;
}

size_t ScimTestServer::count_answered(const std::string& method, int status) {
    size_t count = 0;
    for (const auto& request : requests())
        count += request["method"] == method && request["status"] == status ? 1 : 0;
    return count;
}

void ScimTestServer::clear_requests() {
    test_api("DELETE", "/requests");
}

void ScimTestServer::add_fault(const nlohmann::json& fault) {
    test_api("POST", "/faults", fault.dump());
}

bool ScimTestServer::is_discovery(const std::string& path) {
    for (const char* endpoint :
         {"/scim/v2/ServiceProviderConfig", "/scim/v2/Schemas", "/scim/v2/ResourceTypes"})
        if (path.starts_with(endpoint)) return true;
    return false;
}

} // namespace hr2scim::testing

namespace hr2scim::testing {

void ScimTestServer::set_mode(const nlohmann::json& mode) {
    test_api("POST", "/mode", mode.dump());
}

void ScimTestServer::reset() {
    test_api("POST", "/reset");
}

int ScimTestServer::hanging() {
    auto answer = nlohmann::json::parse(test_api("GET", "/hanging").body, nullptr, false);
    return answer.is_object() ? answer.value("count", 0) : 0;
}

} // namespace hr2scim::testing
