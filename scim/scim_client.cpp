#include "scim/scim_client.hpp"

#include "http/json_body.hpp"
#include "http/redact.hpp"
#include "http/secrets.hpp"
#include "http/url.hpp"
#include "scim/schema.hpp"

#include <spdlog/spdlog.h>

namespace hr2scim::scim {
namespace {

std::shared_ptr<spdlog::logger> logger_for(const std::string& name) {
    std::string logger_name = "target:scim:" + name;
    if (auto existing = spdlog::get(logger_name)) return existing;
    auto created = spdlog::default_logger()->clone(logger_name);
    spdlog::register_logger(created);
    return created;
}

// The version travels in the ETag header, the body's meta.version, or both.
void add_version(nlohmann::json& answer, const http::Response& response) {
    const auto* etag = response.header("etag");
    if (!etag || !answer.is_object()) return;
    auto& meta = answer["meta"];
    if (meta.is_null()) meta = nlohmann::json::object();
    if (meta.is_object() && !meta.contains("version")) meta["version"] = *etag;
}

std::string trim_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

} // namespace

std::optional<std::string> id_in_location(ResourceType type, std::string_view location) {
    const std::string marker = std::string(endpoint(type)) + "/";
    const auto at = location.rfind(marker);
    if (at == std::string_view::npos) return std::nullopt;
    const auto tail = location.substr(at + marker.size());
    if (tail.empty() || tail.find('/') != std::string_view::npos) return std::nullopt;
    return http::url_decode(tail);
}

ScimClient::ScimClient(TargetEndpoint endpoint, http::Transport& http, http::RetryPolicy retry,
                       double requests_per_second)
    : ScimClient(std::move(endpoint), http, retry, http::Budget{{}, {}, requests_per_second, {}}) {}

ScimClient::ScimClient(TargetEndpoint endpoint, http::Transport& http, http::RetryPolicy retry,
                       const http::Budget& budget)
    : m_endpoint(std::move(endpoint)), m_http(http), m_retry(retry), m_throttle(budget),
      m_auth(m_endpoint.credentials, http, retry), m_log(logger_for(m_endpoint.name)) {
    m_endpoint.base_url = trim_trailing_slash(m_endpoint.base_url);
}

CallResult<http::Response> ScimClient::call(const std::string& method, const std::string& path,
                                            const std::string& body, const std::string& if_match,
                                            bool once) {
    return call_url(method, m_endpoint.base_url + path, body, if_match, once, k_scim_media_type);
}

CallResult<http::Response> ScimClient::call_url(const std::string& method, const std::string& url,
                                                const std::string& body,
                                                const std::string& if_match, bool once,
                                                std::string_view accept) {
    http::RetryPolicy policy = m_retry;
    if (once) policy.max_attempts = 1;
    http::Request request{method, url, {}, body};
    const std::string shown_url = http::redact_url(request.url);
    auto send = [&] {
        auto authorization = m_auth.authorization();
        if (!authorization)
            return http::Sent{tl::unexpected(http::TransportError{authorization.error()}), 0, {}};
        request.headers = {{"Accept", std::string(accept)}};
        if (!authorization->empty()) request.headers.emplace_back("Authorization", *authorization);
        if (!body.empty())
            request.headers.emplace_back("Content-Type", std::string(k_scim_media_type));
        if (!if_match.empty()) request.headers.emplace_back("If-Match", if_match);
        auto sent = http::send_with_retries(
            m_http, request, policy, {},
            [&](const http::RetryNotice& notice) {
                m_log->warn("{} {} failed ({}); retry in {} ms", method, shown_url,
                            http::redact_secrets(notice.reason), notice.delay.count());
            },
            &m_throttle);
        sent.used_authorization = *authorization;
        return sent;
    };
    auto sent = send();
    // An OAuth2 token refused (expired early, revoked): one fresh token, one more try.
    if (sent.result && sent.result->status == 401 && m_auth.refused(sent.used_authorization)) {
        m_log->info("{} {}: the token was refused; asking for a new one", method, shown_url);
        sent = send();
    }
    if (!sent.result)
        return tl::unexpected(
            CallError{0, {}, http::redact_secrets(sent.result.error().message), sent.attempts});
    m_log->debug("{} {} -> {}", method, shown_url, sent.result->status);
    if (http::classify_status(sent.result->status) == http::Verdict::ok)
        return std::move(*sent.result);
    // The error's text came from the server: it may echo the request, token included. It is
    // redacted whole, before anything cuts it short and leaves half a token behind.
    sent.result->body = http::redact_secrets(std::move(sent.result->body));
    CallError error = error_from_response(*sent.result);
    error.attempts = sent.attempts;
    if (!sent.gave_up.empty()) error.detail += (error.detail.empty() ? "" : "; ") + sent.gave_up;
    return tl::unexpected(error);
}

CallResult<nlohmann::json> ScimClient::call_json(const std::string& method, const std::string& path,
                                                 const nlohmann::json* body,
                                                 const std::string& if_match, bool once) {
    auto response = call(method, path, body ? body->dump() : std::string(), if_match, once);
    if (!response) return tl::unexpected(response.error());
    return json_answer(*response);
}

// The answer's body (an empty one is an empty object), with its version.
CallResult<nlohmann::json> ScimClient::json_answer(const http::Response& response) {
    nlohmann::json answer = nlohmann::json::object();
    if (!response.body.empty()) {
        auto parsed = http::parse_json_body(response.body);
        if (!parsed)
            return tl::unexpected(
                CallError{response.status, {}, "the target's answer: " + parsed.error(), 1});
        answer = std::move(*parsed);
    }
    add_version(answer, response);
    return answer;
}

CallResult<nlohmann::json> ScimClient::bulk(const nlohmann::json& request) {
    return call_json("POST", "/Bulk", &request, {}, true);
}

CallResult<nlohmann::json> ScimClient::upload(const nlohmann::json& request) {
    return call_json("POST", "", &request);
}

CallResult<nlohmann::json> ScimClient::get_document(const std::string& url) {
    if (http::origin_of(url) != http::origin_of(m_endpoint.base_url))
        return tl::unexpected(CallError{
            0, {}, "not asked: " + http::redact_url(url) + " is not on the target's host", 0});
    auto response = call_url("GET", url, {}, {}, false, "application/json");
    if (!response) return tl::unexpected(response.error());
    return json_answer(*response);
}

CallResult<nlohmann::json> ScimClient::get_json(const std::string& path) {
    return call_json("GET", path, nullptr);
}

CallResult<ListPage> ScimClient::list_page(ResourceType type, const PageRequest& request) {
    // RFC 9865 §2: the first page is asked for with an empty cursor; a target that pages
    // both ways (AWS: ListUsers page) answers by cursor only when the parameter is there.
    std::string query = "?";
    if (request.cursor)
        query += "cursor=" + http::url_encode(*request.cursor) + "&";
    else if (request.start_index)
        query += "startIndex=" + std::to_string(*request.start_index) + "&";
    query += "count=" + std::to_string(request.count);
    auto list = call_json("GET", std::string(endpoint(type)) + query, nullptr);
    if (!list) return tl::unexpected(list.error());
    ListPage page;
    if (list->is_array()) { // a bare list: everything, in one answer
        page.resources.assign(list->begin(), list->end());
        page.total = page.resources.size();
        return page;
    }
    auto count_at = [&](const char* name) -> std::optional<size_t> {
        auto found = list->find(name);
        if (found != list->end() && found->is_number_unsigned()) return found->get<size_t>();
        if (found != list->end() && found->is_number_integer() && found->get<long long>() >= 0)
            return static_cast<size_t>(found->get<long long>());
        return std::nullopt;
    };
    page.total = count_at("totalResults");
    if (auto next = list->find("nextCursor"); next != list->end() && !next->is_null()) {
        if (!next->is_string())
            return tl::unexpected(
                CallError{200, {}, "the listing's nextCursor is not a string", 1});
        page.next_cursor = next->get<std::string>();
    }
    auto resources = list->find("Resources");
    if (resources != list->end() && resources->is_array())
        page.resources.assign(resources->begin(), resources->end());
    // Without Resources, only a page that says it holds nobody is an empty page.
    else if (page.total != 0 && count_at("itemsPerPage") != 0)
        return tl::unexpected(CallError{200,
                                        {},
                                        "the list of " + std::string(type_name(type)) +
                                            "s is neither a ListResponse nor a list",
                                        1});
    return page;
}

// The path of one resource: its collection, then its id as one URL segment.
std::string ScimClient::path_of(ResourceType type, const std::string& id) {
    return std::string(endpoint(type)) + "/" + http::url_encode(id);
}

CallResult<nlohmann::json> ScimClient::create(ResourceType type, const nlohmann::json& body) {
    auto response = call("POST", std::string(endpoint(type)), body.dump());
    if (!response) return tl::unexpected(response.error());
    if (!response->body.empty()) return json_answer(*response);
    // 201 without a body: the new resource is where Location says, under this type's endpoint.
    const auto* location = response->header("location");
    auto id = location ? id_in_location(type, *location) : std::nullopt;
    if (!id) return nlohmann::json::object();
    // Read back, so that what is recorded is what the target holds under that id.
    return get(type, *id);
}

CallResult<nlohmann::json> ScimClient::get(ResourceType type, const std::string& id) {
    return call_json("GET", path_of(type, id), nullptr);
}

CallResult<nlohmann::json> ScimClient::replace(ResourceType type, const std::string& id,
                                               const nlohmann::json& body,
                                               const std::string& if_match) {
    return call_json("PUT", path_of(type, id), &body, if_match);
}

CallResult<nlohmann::json> ScimClient::patch(ResourceType type, const std::string& id,
                                             const std::vector<PatchOperation>& operations,
                                             const std::string& if_match, bool once) {
    auto request = patch_request(operations, m_endpoint.patch_style);
    return call_json("PATCH", path_of(type, id), &request, if_match, once);
}

CallResult<void> ScimClient::remove(ResourceType type, const std::string& id,
                                    const std::string& if_match) {
    auto response = call("DELETE", path_of(type, id), {}, if_match);
    if (!response) return tl::unexpected(response.error());
    return {};
}

CallResult<std::vector<nlohmann::json>> ScimClient::find(ResourceType type,
                                                         const std::string& filter) {
    auto list = call_json(
        "GET", std::string(endpoint(type)) + "?filter=" + http::url_encode(filter) + "&count=10",
        nullptr);
    if (!list) return tl::unexpected(list.error());
    // A ListResponse, or (some targets) a bare JSON array. Anything else is not "nobody": an
    // answer that cannot be read must never look like an absent user, or a lost create would
    // be sent again as a duplicate.
    const nlohmann::json* resources = nullptr;
    if (list->is_array()) {
        resources = &*list;
    } else if (auto listed = list->find("Resources"); listed != list->end() && listed->is_array()) {
        resources = &*listed;
    } else if (auto total = list->find("totalResults");
               total != list->end() && total->is_number_integer() && total->get<long>() == 0) {
        return std::vector<nlohmann::json>();
    }
    if (!resources)
        return tl::unexpected(
            CallError{200, {}, "the look-up answer is neither a ListResponse nor a list", 1});
    return std::vector<nlohmann::json>(resources->begin(), resources->end());
}

} // namespace hr2scim::scim
