#include "scim/scim_error.hpp"

#include "http/http_client.hpp"
#include "http/json_body.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

namespace hr2scim::scim {
namespace {

constexpr size_t k_max_detail = 300;

std::string shorten(std::string text) {
    if (text.size() > k_max_detail) text = text.substr(0, k_max_detail) + "...";
    return text;
}

// One piece of text between tags, trimmed, without a leading status code ("500 Internal
// Server Error" in a page's title says what "HTTP 500" says already).
std::string without_status(std::string text, long status) {
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    const auto first = text.find_first_not_of(' ');
    text = first == std::string::npos ? std::string() : text.substr(first);
    const std::string code = std::to_string(status);
    if (text == code) return {};
    if (text.starts_with(code + " ")) text = text.substr(code.size() + 1);
    return text;
}

bool same_text(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

// A body that is not a SCIM error (an HTML page from a proxy or a wrong path, plain text) as
// one line of its text: tags, scripts and styles dropped, whitespace collapsed, and a piece
// of text said again (a page's title, heading and paragraph often all say "Internal Server
// Error") said once.
std::string one_line(std::string_view body, long status) {
    const auto start = body.find_first_not_of(" \t\r\n");
    const bool markup = start != std::string_view::npos && body[start] == '<';
    std::string text;
    std::vector<std::string> said;
    std::string segment;
    auto flush = [&] {
        std::string piece = without_status(std::move(segment), status);
        segment.clear();
        if (piece.empty() ||
            std::ranges::any_of(said, [&](const auto& before) { return same_text(before, piece); }))
            return;
        text += (text.empty() ? "" : " ") + piece;
        said.push_back(std::move(piece));
    };
    bool in_tag = false;
    bool skipping = false; // inside <script> or <style>
    for (size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (markup && c == '<') {
            const auto rest = body.substr(i + 1, 7);
            auto starts = [&](std::string_view tag) {
                return rest.size() >= tag.size() &&
                       std::equal(tag.begin(), tag.end(), rest.begin(), [](char a, char b) {
                           return a == std::tolower(static_cast<unsigned char>(b));
                       });
            };
            if (starts("script") || starts("style")) skipping = true;
            if (starts("/script") || starts("/style")) skipping = false;
            in_tag = true;
            flush();
            continue;
        }
        if (in_tag) {
            in_tag = c != '>';
            continue;
        }
        if (skipping) continue;
        const bool space =
            c == ' ' || c == '\n' || c == '\r' || c == '\t' || static_cast<unsigned char>(c) < 0x20;
        if (space) {
            if (!segment.empty() && segment.back() != ' ') segment += ' ';
        } else {
            segment += c;
        }
    }
    flush();
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
        // Microsoft Graph's error: {"error": {"code": "...", "message": "..."}}
        // (https://learn.microsoft.com/graph/errors).
        if (auto graph = body.find("error");
            error.detail.empty() && graph != body.end() && graph->is_object()) {
            const auto code = graph->value("code", nlohmann::json()).is_string()
                                  ? graph->value("code", std::string())
                                  : std::string();
            const auto message = graph->value("message", nlohmann::json()).is_string()
                                     ? graph->value("message", std::string())
                                     : std::string();
            if (!code.empty() || !message.empty())
                error.detail = shorten(code.empty()      ? message
                                       : message.empty() ? code
                                                         : code + ": " + message);
        }
    }
    // Not a SCIM error: its first 200 characters, as text, secrets redacted.
    if (error.detail.empty() && error.scim_type.empty())
        error.detail = http::answer_excerpt(one_line(response.body, response.status));
    return error;
}

} // namespace hr2scim::scim
