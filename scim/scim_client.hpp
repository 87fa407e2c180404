#pragma once
// Talks SCIM 2.0 to one target: Users create, read, replace, patch, delete and look-up.
// Retries (429, 5xx, no answer) with backoff happen here, under one policy.

#include "http/http_client.hpp"
#include "http/retry.hpp"
#include "http/retrying_sender.hpp"
#include "scim/patch.hpp"
#include "scim/scim_error.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <string>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::scim {

struct TargetEndpoint {
    std::string name;     // for logs: target:scim:<name>
    std::string base_url; // e.g. https://app.example.com/scim/v2
    std::string token;    // bearer token; never logged
};

using http::Sleeper;

template <class T> using CallResult = tl::expected<T, CallError>;

class ScimClient {
  public:
    ScimClient(TargetEndpoint endpoint, http::HttpClient& http, http::RetryPolicy retry,
               Sleeper sleeper = {});

    [[nodiscard]] CallResult<nlohmann::json> create_user(const nlohmann::json& body);
    [[nodiscard]] CallResult<nlohmann::json> get_user(const std::string& id);
    [[nodiscard]] CallResult<nlohmann::json> replace_user(const std::string& id,
                                                          const nlohmann::json& body);
    // 200 gives the new resource, 204 an empty object.
    [[nodiscard]] CallResult<nlohmann::json>
    patch_user(const std::string& id, const std::vector<PatchOperation>& operations);
    [[nodiscard]] CallResult<void> delete_user(const std::string& id);
    // Resources matching a filter (for `eq` look-ups: one page is enough).
    [[nodiscard]] CallResult<std::vector<nlohmann::json>> find_users(const std::string& filter);

    [[nodiscard]] const std::string& name() const { return m_endpoint.name; }

  private:
    CallResult<http::Response> call(const std::string& method, const std::string& path,
                                    const std::string& body);
    CallResult<nlohmann::json> call_json(const std::string& method, const std::string& path,
                                         const nlohmann::json* body);

    TargetEndpoint m_endpoint;
    http::HttpClient& m_http;
    http::RetryPolicy m_retry;
    Sleeper m_sleeper;
    std::shared_ptr<spdlog::logger> m_log;
};

} // namespace hr2scim::scim
