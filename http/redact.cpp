#include "http/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hr2scim::http {
namespace {

constexpr std::array k_secret_words = {"token",     "secret", "password", "passwd", "key",
                                       "signature", "sig",    "auth",     "code"};

bool looks_secret(std::string_view name) {
    std::string lower(name);
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::ranges::any_of(k_secret_words, [&](std::string_view word) {
        return lower.find(word) != std::string::npos;
    });
}

std::string redact_query(std::string_view query) {
    std::string out;
    size_t start = 0;
    while (start <= query.size()) {
        size_t end = std::min(query.find('&', start), query.size());
        std::string_view pair = query.substr(start, end - start);
        size_t equals = pair.find('=');
        if (!out.empty()) out += '&';
        if (equals != std::string_view::npos && looks_secret(pair.substr(0, equals))) {
            out.append(pair.substr(0, equals)).append("=REDACTED");
        } else {
            out.append(pair);
        }
        start = end + 1;
    }
    return out;
}

} // namespace

std::string redact_url(std::string_view url) {
    std::string out;
    size_t scheme_end = url.find("://");
    size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    size_t path_start = std::min(url.find_first_of("/?#", authority), url.size());
    size_t at = url.substr(0, path_start).rfind('@');
    out.append(url.substr(0, authority));
    if (at != std::string_view::npos && at >= authority) {
        out.append("REDACTED@").append(url.substr(at + 1, path_start - at - 1));
    } else {
        out.append(url.substr(authority, path_start - authority));
    }
    std::string_view rest = url.substr(path_start);
    size_t question = rest.find('?');
    if (question == std::string_view::npos) return out.append(rest);
    size_t fragment = std::min(rest.find('#', question), rest.size());
    out.append(rest.substr(0, question + 1));
    out.append(redact_query(rest.substr(question + 1, fragment - question - 1)));
    return out.append(rest.substr(fragment));
}

std::string redact_secret(std::string text, std::string_view secret) {
    if (secret.empty()) return text;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), "REDACTED");
    return text;
}

} // namespace hr2scim::http
