#include "tests/support/fake_transport.hpp"

#include <algorithm>
#include <cctype>

namespace hr2scim::testing {
namespace {

bool same_name(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
        return std::tolower(x) == std::tolower(y);
    });
}

} // namespace

std::optional<std::string> SentRequest::header(const std::string& name) const {
    for (const auto& [sent_name, value] : headers)
        if (same_name(sent_name, name)) return value;
    return std::nullopt;
}

Reply Reply::json(long status, const nlohmann::json& body,
                  std::map<std::string, std::string> headers) {
    return {status, body.dump(), std::move(headers), std::nullopt};
}

Reply Reply::empty(long status, std::map<std::string, std::string> headers) {
    return {status, {}, std::move(headers), std::nullopt};
}

Reply Reply::error(long status, const std::string& detail, const std::string& scim_type) {
    nlohmann::json body = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
                           {"status", std::to_string(status)},
                           {"detail", detail}};
    if (!scim_type.empty()) body["scimType"] = scim_type;
    return json(status, body);
}

Reply Reply::none(std::string why) {
    return {0, {}, {}, std::move(why)};
}

void FakeTransport::on(const std::string& method, const std::string& path, Reply reply,
                       size_t times) {
    on_match(
        method + " " + path,
        [method, path](const SentRequest& sent) {
            return sent.method == method && sent.path == path;
        },
        [reply = std::move(reply)](const SentRequest&) { return reply; }, times);
}

void FakeTransport::on_prefix(const std::string& method, const std::string& prefix, Reply reply,
                              size_t times) {
    on_match(
        method + " " + prefix + "*",
        [method, prefix](const SentRequest& sent) {
            return sent.method == method && sent.path.starts_with(prefix);
        },
        [reply = std::move(reply)](const SentRequest&) { return reply; }, times);
}

void FakeTransport::on_match(std::string description, Matcher matches, Responder respond,
                             size_t times) {
    std::lock_guard lock(m_mutex);
    std::optional<size_t> left;
    if (times != k_always) left = times;
    m_rules.push_back({std::move(description), std::move(matches), std::move(respond), left});
}

tl::expected<http::Response, http::TransportError>
FakeTransport::send(const http::Request& request) {
    SentRequest sent{request.method, request.url, request.headers, request.body};
    if (sent.path.starts_with(m_base_url)) sent.path.erase(0, m_base_url.size());
    Responder respond;
    {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(sent);
        for (auto& rule : m_rules) {
            if (rule.left == 0 || !rule.matches(sent)) continue; // used up, or not this one
            if (rule.left) --*rule.left;
            respond = rule.respond;
            break;
        }
        if (!respond) m_unanswered.push_back(sent.line());
    }
    if (!respond) {
        auto reply = Reply::error(500, "fake transport: no rule answers " + sent.line());
        return http::Response{reply.status, reply.headers, reply.body};
    }
    Reply reply = respond(sent);
    if (reply.no_answer) return tl::unexpected(http::TransportError{*reply.no_answer});
    return http::Response{reply.status, std::move(reply.headers), std::move(reply.body)};
}

std::vector<SentRequest> FakeTransport::requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
}

std::vector<std::string> FakeTransport::lines() const {
    std::lock_guard lock(m_mutex);
    std::vector<std::string> lines;
    lines.reserve(m_requests.size());
    for (const auto& request : m_requests)
        lines.push_back(request.line());
    return lines;
}

size_t FakeTransport::count(const std::string& method, const std::string& path_prefix) const {
    std::lock_guard lock(m_mutex);
    return static_cast<size_t>(
        std::count_if(m_requests.begin(), m_requests.end(), [&](const SentRequest& request) {
            return request.method == method && request.path.starts_with(path_prefix);
        }));
}

std::vector<std::string> FakeTransport::unanswered() const {
    std::lock_guard lock(m_mutex);
    return m_unanswered;
}

void FakeTransport::clear_requests() {
    std::lock_guard lock(m_mutex);
    m_requests.clear();
    m_unanswered.clear();
}

} // namespace hr2scim::testing
