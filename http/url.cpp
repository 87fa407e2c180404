#include "http/url.hpp"

#include <algorithm>
#include <cctype>

namespace hr2scim::http {

std::string url_decode(std::string_view text) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string decoded;
    decoded.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 &&
            hex(text[i + 2]) >= 0) {
            decoded += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
            continue;
        }
        decoded += text[i];
    }
    return decoded;
}

std::string url_encode(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 0x0F];
        }
    }
    return out;
}

} // namespace hr2scim::http

namespace hr2scim::http {

std::string set_query_parameter(std::string_view url, std::string_view name,
                                std::string_view value) {
    size_t fragment = std::min(url.find('#'), url.size());
    std::string_view base = url.substr(0, fragment);
    size_t question = base.find('?');
    std::string out(base.substr(0, question == std::string_view::npos ? base.size() : question));
    std::string query;
    if (question != std::string_view::npos) {
        std::string_view rest = base.substr(question + 1);
        size_t start = 0;
        while (start <= rest.size()) {
            size_t end = std::min(rest.find('&', start), rest.size());
            std::string_view pair = rest.substr(start, end - start);
            std::string_view key = pair.substr(0, pair.find('='));
            // Compared decoded: the name is sent encoded ($skip as %24skip), and a page's URL
            // is made from the one before.
            if (!pair.empty() && url_decode(key) != name)
                query += (query.empty() ? "" : "&") + std::string(pair);
            start = end + 1;
        }
    }
    query += (query.empty() ? "" : "&") + url_encode(name) + "=" + url_encode(value);
    return out + "?" + query + std::string(url.substr(fragment));
}

std::string resolve_url(std::string_view base, std::string_view link) {
    if (link.find("://") != std::string_view::npos) return std::string(link);
    size_t scheme = base.find("://");
    size_t authority_end =
        std::min(base.find('/', scheme == std::string_view::npos ? 0 : scheme + 3), base.size());
    if (link.starts_with("/"))
        return std::string(base.substr(0, authority_end)) + std::string(link);
    std::string_view path = base.substr(0, std::min(base.find('?'), base.size()));
    size_t slash = path.rfind('/');
    if (slash == std::string_view::npos || slash < authority_end)
        return std::string(base.substr(0, authority_end)) + "/" + std::string(link);
    return std::string(path.substr(0, slash + 1)) + std::string(link);
}

tl::expected<std::string, std::string> next_link(std::string_view header) {
    // Link: <https://a/b?page=2>; rel="next", <...>; rel="last"
    size_t at = 0;
    while ((at = header.find('<', at)) != std::string_view::npos) {
        size_t close = header.find('>', at);
        if (close == std::string_view::npos)
            return tl::unexpected(
                std::string("the Link header has a `<` without its `>`; it cannot be read"));
        std::string_view target = header.substr(at + 1, close - at - 1);
        // A URI reference holds no `<`, quote or space (RFC 3986): one that does swallowed
        // the next link because its own `>` is missing.
        if (target.find_first_of("<\" \t") != std::string_view::npos)
            return tl::unexpected(
                std::string("the Link header has a `<` without its `>`; it cannot be read"));
        size_t next_entry = header.find('<', close);
        std::string_view params = header.substr(
            close + 1,
            (next_entry == std::string_view::npos ? header.size() : next_entry) - close - 1);
        for (std::string_view form : {"rel=\"next\"", "rel=next", "rel=\"next "}) {
            if (params.find(form) != std::string_view::npos) return std::string(target);
        }
        at = close;
    }
    return std::string();
}

std::string origin_of(std::string_view url) {
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return {};
    std::string scheme(url.substr(0, scheme_end));
    size_t authority = scheme_end + 3;
    std::string host(url.substr(
        authority, std::min(url.find_first_of("/?#", authority), url.size()) - authority));
    if (size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
    auto lower = [](std::string& text) {
        std::ranges::transform(text, text.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    };
    lower(scheme);
    lower(host);
    const size_t bracket = host.rfind(']');
    const size_t colon = host.rfind(':');
    const bool has_port =
        colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    if (!has_port) host += scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
    return scheme + "://" + host;
}

std::string base64_encode(std::string_view bytes) {
    static constexpr char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0})
            out += k_alphabet[(n >> shift) & 63];
    }
    if (i < bytes.size()) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? k_alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (char c : text) {
        int value = -1;
        if (c >= 'A' && c <= 'Z') value = c - 'A';
        if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
        if (c >= '0' && c <= '9') value = c - '0' + 52;
        if (c == '-') value = 62;
        if (c == '_') value = 63;
        if (value < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(value);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xff);
        }
    }
    return out;
}

} // namespace hr2scim::http
