#pragma once
// Talks SCIM 2.0 to one target: create, read, replace, patch, delete and look-up, the same for
// every resource type (scim/resource_type.hpp says where each lives).
// Retries (429, 5xx, no answer) with backoff happen here, under one policy.

#include "http/auth.hpp"
// The real transport: callers (agent/run.cpp) build their client over an HttpClient and have
// it from here.
#include "http/http_client.hpp"
#include "http/retry.hpp"
#include "http/retrying_sender.hpp"
#include "http/throttle.hpp"
#include "http/transport.hpp"
#include "scim/patch.hpp"
#include "scim/resource_type.hpp"
#include "scim/scim_error.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <spdlog/logger.h>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::scim {

struct TargetEndpoint {
    std::string name;              // for logs: target:scim:<name>
    std::string base_url;          // e.g. https://app.example.com/scim/v2
    http::Credentials credentials; // bearer, basic or OAuth2; never logged
    PatchStyle patch_style = PatchStyle::rfc7644;
    // userName and active each go in a PATCH of their own, never together or twice in one
    // request (AWS IAM Identity Center, whose profile sets it; scim/target_profile.cpp).
    bool identity_patched_alone = false;
};

// How a listing pages: by startIndex (RFC 7644 §3.4.2.4) or by cursor (RFC 9865: `cursor` in
// the request, `nextCursor` in the answer until the last page).
enum class Paging { index, cursor };

// One page asked for: by index (start_index, counting from 1) or by cursor (empty: the first).
struct PageRequest {
    size_t count = 100;
    std::optional<size_t> start_index;
    std::optional<std::string> cursor;
};

// One page as the target answered it.
struct ListPage {
    std::vector<nlohmann::json> resources;
    std::optional<size_t> total;            // totalResults, when given
    std::optional<std::string> next_cursor; // nextCursor, when given (RFC 9865)
};

using http::Sleeper;

template <class T> using CallResult = tl::expected<T, CallError>;

// The id in a Location such as https://app.example.com/scim/v2/Users/<id> (decoded), or
// nothing when it does not end in <the type's endpoint>/<one segment>.
[[nodiscard]] std::optional<std::string> id_in_location(ResourceType type,
                                                        std::string_view location);

class ScimClient {
  public:
    // requests_per_second: the target's rate limit, shared by every thread using this client.
    ScimClient(TargetEndpoint endpoint, http::Transport& http, http::RetryPolicy retry,
               double requests_per_second = 0);
    // budget: the target's request budgets (writes, reads), paced and adapted to its 429s.
    ScimClient(TargetEndpoint endpoint, http::Transport& http, http::RetryPolicy retry,
               const http::Budget& budget);

    // POST to the type's collection. A 201 without a body is read back from its Location.
    [[nodiscard]] CallResult<nlohmann::json> create(ResourceType type, const nlohmann::json& body);
    [[nodiscard]] CallResult<nlohmann::json> get(ResourceType type, const std::string& id);
    // if_match: the version the change is meant for (ETag); a target holding another version
    // answers 412. Empty: unconditional. Answers carry the new version in meta.version (from
    // the ETag header when the body lacks it).
    [[nodiscard]] CallResult<nlohmann::json> replace(ResourceType type, const std::string& id,
                                                     const nlohmann::json& body,
                                                     const std::string& if_match = {});
    // 200 gives the new resource, 204 an empty object. `once`: a probe, sent once, whatever
    // the answer (only a 429's wait is honoured).
    [[nodiscard]] CallResult<nlohmann::json> patch(ResourceType type, const std::string& id,
                                                   const std::vector<PatchOperation>& operations,
                                                   const std::string& if_match = {},
                                                   bool once = false);
    [[nodiscard]] CallResult<void> remove(ResourceType type, const std::string& id,
                                          const std::string& if_match = {});
    // Resources matching a filter (for `eq` look-ups: one page is enough).
    [[nodiscard]] CallResult<std::vector<nlohmann::json>> find(ResourceType type,
                                                               const std::string& filter);

    // RFC 7644 §3.7: POST /Bulk with a BulkRequest; the BulkResponse as it came. Sent once (a
    // 429's wait is honoured): a Bulk request without an answer is split, never sent whole again.
    [[nodiscard]] CallResult<nlohmann::json> bulk(const nlohmann::json& request);
    // An upload target (target.profile entra_inbound): POST the request to the base URL itself,
    // which is the upload endpoint. Uploads are upserts of whole users: one without an answer
    // may be sent again (retried as any request is).
    [[nodiscard]] CallResult<nlohmann::json> upload(const nlohmann::json& request);
    // A JSON document at `url`, which must be on the base URL's origin (a link the target gave,
    // its log): the credentials go nowhere else. Asked for as application/json.
    [[nodiscard]] CallResult<nlohmann::json> get_document(const std::string& url);
    // Any JSON resource under the base URL ("/ServiceProviderConfig", "/Schemas").
    [[nodiscard]] CallResult<nlohmann::json> get_json(const std::string& path);
    // One page of every resource of the type (scim/list_pager.hpp walks them all).
    [[nodiscard]] CallResult<ListPage> list_page(ResourceType type, const PageRequest& request);
    // How this target's listings page: set once its profile is known, before any listing
    // (agent/target_connection.cpp), and read by whoever lists.
    void use_paging(Paging paging) { m_paging = paging; }
    [[nodiscard]] Paging paging() const { return m_paging; }
    [[nodiscard]] bool identity_patched_alone() const { return m_endpoint.identity_patched_alone; }

    [[nodiscard]] const std::string& name() const { return m_endpoint.name; }
    [[nodiscard]] const std::string& base_url() const { return m_endpoint.base_url; }
    [[nodiscard]] PatchStyle patch_style() const { return m_endpoint.patch_style; }
    // Nothing more is sent; requests waiting to be retried give up.
    void abandon(std::string why) { m_throttle.abandon(std::move(why)); }
    // What pacing did so far: 429s seen, times the pace was lowered, the pace writes go at.
    [[nodiscard]] http::PaceReport pace_report() const { return m_throttle.report(); }
    // What the target's daily caps leave this run (set before the first request), and what
    // the run sent so far, retries included.
    void allow(http::Allowance allowance) { m_throttle.counter().allow(std::move(allowance)); }
    [[nodiscard]] http::RequestCounts requests_sent() const { return m_throttle.counter().sent(); }

    // The OAuth2 access token's lifetime as its endpoint said (hr2scim check reports it).
    [[nodiscard]] std::optional<std::chrono::seconds> access_token_lifetime() {
        return m_auth.token_lifetime();
    }

  private:
    static std::string path_of(ResourceType type, const std::string& id);
    static CallResult<nlohmann::json> json_answer(const http::Response& response);
    CallResult<http::Response> call(const std::string& method, const std::string& path,
                                    const std::string& body, const std::string& if_match = {},
                                    bool once = false);
    // call() at a whole URL, asking for `accept`.
    CallResult<http::Response> call_url(const std::string& method, const std::string& url,
                                        const std::string& body, const std::string& if_match,
                                        bool once, std::string_view accept);
    CallResult<nlohmann::json> call_json(const std::string& method, const std::string& path,
                                         const nlohmann::json* body,
                                         const std::string& if_match = {}, bool once = false);

    TargetEndpoint m_endpoint;
    http::Transport& m_http;
    http::RetryPolicy m_retry;
    http::Throttle m_throttle;
    http::Authenticator m_auth;
    std::shared_ptr<spdlog::logger> m_log;
    Paging m_paging = Paging::index;
};

} // namespace hr2scim::scim
