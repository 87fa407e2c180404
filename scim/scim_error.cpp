#include "scim/scim_error.hpp"

#include "http/http_client.hpp"
#include "http/json_body.hpp"

#include <nlohmann/json.hpp>

namespace hr2scim::scim {
namespace {

constexpr size_t k_max_detail = 300;

std::string shorten(std::string text) {
    if (text.size() > k_max_detail) text = text.substr(0, k_max_detail) + "...";
    return text;
}

std::string hint_for(long status) {
    switch (status) {
    case 401:
        return " (the target rejected the credentials: check target.token_env or token_file)";
    case 403:
        return " (the token is valid but not allowed to do this)";
    case 404:
        return " (no such resource, or a wrong target.url)";
    default:
        return "";
    }
}

} // namespace

std::string CallError::describe() const {
    std::string text = status == 0 ? "no answer" : "HTTP " + std::to_string(status);
    if (!scim_type.empty()) text += " " + scim_type;
    if (!detail.empty()) text += ": " + detail;
    text += hint_for(status);
    if (attempts > 1) text += " (after " + std::to_string(attempts) + " attempts)";
    return text;
}

CallError error_from_response(const http::Response& response) {
    CallError error{response.status, {}, {}, 1};
    auto parsed = http::parse_json_body(response.body);
    const nlohmann::json body = parsed ? std::move(*parsed) : nlohmann::json();
    if (body.is_object()) {
        if (auto type = body.find("scimType"); type != body.end() && type->is_string())
            error.scim_type = type->get<std::string>();
        if (auto detail = body.find("detail"); detail != body.end() && detail->is_string())
            error.detail = shorten(detail->get<std::string>());
    }
    if (error.detail.empty() && error.scim_type.empty()) error.detail = shorten(response.body);
    return error;
}

} // namespace hr2scim::scim
