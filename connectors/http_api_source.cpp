#include "connectors/http_api_source.hpp"

#include "connectors/json_records.hpp"
#include "connectors/source_support.hpp"
#include "http/auth.hpp"
#include "http/json_body.hpp"
#include "http/redact.hpp"
#include "http/secrets.hpp"
#include "http/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <spdlog/spdlog.h>

namespace hr2scim::connectors {
namespace {

using nlohmann::json;

constexpr std::array k_api_options = {
    OptionSpec{"type", true, "", "http_api"},
    OptionSpec{"url", true, "", "the first page's URL"},
    OptionSpec{"auth", false, "none", "none, bearer, basic or oauth2"},
    OptionSpec{"token_env", false, "", "bearer: environment variable with the token"},
    OptionSpec{"token_file", false, "", "bearer: file whose first line is the token"},
    OptionSpec{"username", false, "", "basic: the user name"},
    OptionSpec{"username_env", false, "",
               "basic: environment variable with the user name (BambooHR: the API key)"},
    OptionSpec{"password_env", false, "", "basic: environment variable with the password"},
    OptionSpec{"password_file", false, "", "basic: file whose first line is the password"},
    OptionSpec{"token_url", false, "", "oauth2: the token endpoint"},
    OptionSpec{"client_id", false, "", "oauth2: the client id"},
    OptionSpec{"client_secret_env", false, "",
               "oauth2: environment variable with the client secret"},
    OptionSpec{"client_secret_file", false, "",
               "oauth2: file whose first line is the client secret"},
    OptionSpec{"scope", false, "", "oauth2: the scope to ask for, if any"},
    OptionSpec{"client_auth", false, "basic",
               "oauth2: basic (the client id and secret as Basic) or body (in the form)"},
    OptionSpec{"refresh_token_env", false, "",
               "oauth2: environment variable with a refresh token (the refresh_token grant)"},
    OptionSpec{"refresh_token_file", false, "", "oauth2: file whose first line is a refresh token"},
    OptionSpec{
        "token_pointer", false, "",
        "oauth2: JSON pointer to the token in the endpoint's answer (default /access_token)"},
    OptionSpec{"client_certificate", false, "", "mutual TLS: the client certificate (PEM)"},
    OptionSpec{"client_key", false, "", "mutual TLS: the client certificate's key (PEM)"},
    OptionSpec{"method", false, "GET", "GET, or POST for APIs that search by a posted body"},
    OptionSpec{"body", false, "", "POST: the JSON body sent with each page's request"},
    OptionSpec{"fields", false, "",
               "names for values nested in each record: name: path (a.b[type=work].c)"},
    OptionSpec{"records", false, "",
               "JSON pointer to the array of people in each page (empty: the page is the array)"},
    OptionSpec{"key", true, "",
               "the attribute that holds each person's stable key (nested: work.employee_id)"},
    OptionSpec{"pagination", false, "none", "none, page, offset, cursor, next_url or link"},
    OptionSpec{"page_param", false, "page", "page: the page number parameter"},
    OptionSpec{"page_start", false, "1", "page: the first page's number"},
    OptionSpec{"size_param", false, "", "page: the page size parameter, if any"},
    OptionSpec{"page_size", false, "100", "page and offset: records per page"},
    OptionSpec{"offset_param", false, "offset", "offset: the offset parameter"},
    OptionSpec{"limit_param", false, "limit", "offset: the limit parameter"},
    OptionSpec{"cursor_pointer", false, "", "cursor: JSON pointer to the next cursor in the body"},
    OptionSpec{"cursor_param", false, "cursor", "cursor: the parameter that takes it"},
    OptionSpec{"next_pointer", false, "",
               "next_url: JSON pointer to the next page's URL in the body"},
    OptionSpec{"total_pointer", false, "",
               "page and offset: JSON pointer to the total record count, if the API gives it"},
    OptionSpec{"max_pages", false, "1000", "a read with more pages fails (pagination loops)"},
    OptionSpec{"timeout_seconds", false, "30", "per request"},
    OptionSpec{"max_retries", false, "3", "for 408, 429, 5xx and no answer"},
    OptionSpec{"ca_file", false, "", "trust this CA (verification is never off)"},
};

// A key longer than this is not a key: it would go into look-up URLs on every target.
constexpr size_t k_max_key_bytes = 1024;
// A missing field's error names this many of the attributes the records did hold.
constexpr size_t k_named_attributes = 40;
// ...chosen from at most this many names (a hostile API could send millions).
constexpr size_t k_remembered_attributes = 5000;
// Error messages show this much of a page's URL.
constexpr size_t k_shown_url_bytes = 200;

std::string host_of(const std::string& url) {
    size_t start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    return url.substr(start, url.find_first_of("/?", start) - start);
}

// OData v2's JSON dates (SAP SuccessFactors): "/Date(1577836800000)/", milliseconds since
// 1970 in UTC, maybe with an offset in minutes ("/Date(1577836800000+0060)/") that does not
// change the instant. A whole day reads as 2020-01-01; any other instant as
// 2020-01-01T10:00:00Z. Other text is nothing.
std::optional<std::string> iso_from_odata_date(std::string_view text) {
    if (!text.starts_with("/Date(") || !text.ends_with(")/")) return std::nullopt;
    text = text.substr(6, text.size() - 8);
    long long milliseconds = 0;
    const auto* end = text.data() + text.size();
    auto parsed = std::from_chars(text.data(), end, milliseconds);
    if (parsed.ec != std::errc() || parsed.ptr == text.data()) return std::nullopt;
    if (parsed.ptr != end) {
        int offset = 0;
        if ((*parsed.ptr != '+' && *parsed.ptr != '-') || end - parsed.ptr != 5)
            return std::nullopt;
        auto minutes = std::from_chars(parsed.ptr + 1, end, offset);
        if (minutes.ec != std::errc() || minutes.ptr != end) return std::nullopt;
    }
    constexpr long long k_day = 86'400'000;
    // Dates from year 1 to 9999 only: anything else is not an HR date.
    if (milliseconds < -62'135'596'800'000LL || milliseconds > 253'402'300'799'000LL)
        return std::nullopt;
    const auto instant =
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(milliseconds));
    const auto day = std::chrono::floor<std::chrono::days>(instant);
    const std::chrono::year_month_day date(day);
    char text_out[32];
    if (milliseconds % k_day == 0) {
        std::snprintf(text_out, sizeof text_out, "%04d-%02u-%02u", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    } else {
        const std::chrono::hh_mm_ss time(std::chrono::floor<std::chrono::seconds>(instant - day));
        std::snprintf(text_out, sizeof text_out, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ",
                      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                      static_cast<unsigned>(date.day()),
                      static_cast<long long>(time.hours().count()),
                      static_cast<long long>(time.minutes().count()),
                      static_cast<long long>(time.seconds().count()));
    }
    return std::string(text_out);
}

class Reader {
  public:
    explicit Reader(const HttpApiSettings& settings)
        : m_settings(settings),
          m_http(http::ClientOptions{std::chrono::seconds(10), settings.timeout, settings.ca_file,
                                     "hr2scim", 1, settings.client_certificate,
                                     settings.client_key}),
          m_log(spdlog::default_logger()->clone("source:http_api:" + host_of(settings.url))),
          m_auth(credentials_of(settings), m_http, settings.retry),
          m_field_present(settings.fields.size(), false) {}

    SourceRead read() {
        SourceRead read;
        if (auto error = authenticate(); !error.empty()) {
            read.failure = error;
            return read;
        }
        Pager pager(m_settings.pagination, m_settings.url);
        std::string url = pager.first_url();
        for (size_t page = 1;; ++page) {
            auto next = read_page(url, page, pager, read);
            if (!next) {
                read.failure = next.error();
                return read;
            }
            if (!*next) break;
            url = **next;
        }
        // A field no record holds makes every record suspect: none is used (creating people
        // without it, or emptying it on every account, is what an admin would not want).
        if (auto missing = missing_fields(read); !missing.empty()) {
            read.failure = missing;
            read.records.clear();
        }
        return read;
    }

  private:
    // The page's records go into `read`; the answer is the next URL, the end, or a failure.
    tl::expected<std::optional<std::string>, std::string>
    read_page(const std::string& url, size_t page, Pager& pager, SourceRead& read) {
        std::string shown = http::redact_url(url);
        if (shown.size() > k_shown_url_bytes) shown = shown.substr(0, k_shown_url_bytes) + "...";
        const std::string where = "page " + std::to_string(page) + " (" + shown + ")";
        auto response = get(url);
        if (!response) return tl::unexpected(where + ": " + response.error());
        // 204 No Content: a page with nobody on it (ADP ends its pages so).
        auto parsed = response->status == 204 && response->body.empty()
                          ? tl::expected<json, std::string>(json::array())
                          : http::parse_json_body(response->body);
        if (!parsed) return tl::unexpected(where + ": " + parsed.error());
        const json& body = *parsed;
        auto records = response->status == 204 ? records_at(body, "")
                                               : records_at(body, m_settings.records_pointer);
        if (!records) return tl::unexpected(where + ": " + records.error());
        size_t index = 0;
        for (const auto& item : **records)
            add_record(item, page, ++index, read);
        m_log->debug("{}: {} records", where, (*records)->size());
        return pager.next(url, body, *response, (*records)->size());
    }

    void add_record(const json& item, size_t page, size_t index, SourceRead& read) {
        std::string origin = host_of(m_settings.url) + " page " + std::to_string(page) + " item " +
                             std::to_string(index);
        if (!item.is_object()) {
            read.rejections.push_back({origin, "", "not a JSON object"});
            return;
        }
        Attributes attributes = flatten_json(item);
        add_fields(item, attributes);
        auto key = attributes.find(m_settings.key);
        if (key == attributes.end() || key->second.size() != 1 || key->second.front().empty()) {
            read.rejections.push_back({origin, "",
                                       key == attributes.end() || key->second.empty()
                                           ? "no " + m_settings.key
                                           : m_settings.key + " is empty or has several values"});
            return;
        }
        if (key->second.front().size() > k_max_key_bytes) {
            read.rejections.push_back(
                {origin, "",
                 m_settings.key + " is " + std::to_string(key->second.front().size()) +
                     " bytes long, more than " + std::to_string(k_max_key_bytes) + "; not a key"});
            return;
        }
        std::string key_value = key->second.front();
        read.records.emplace_back(std::move(key_value), std::move(attributes), std::move(origin));
    }

    // Each `fields:` entry under its name, replacing a flattened attribute of that name.
    void add_fields(const json& item, Attributes& attributes) {
        for (size_t i = 0; i < m_settings.fields.size(); ++i) {
            const auto& field = m_settings.fields[i];
            auto found = field.path.find(item);
            if (found.present) m_field_present[i] = true;
            for (auto& value : found.values)
                if (auto date = iso_from_odata_date(value)) value = std::move(*date);
            if (found.values.empty())
                attributes.erase(field.name);
            else
                attributes[field.name] = std::move(found.values);
        }
        if (m_settings.fields.empty()) return;
        for (const auto& [name, values] : attributes)
            if (m_returned_names.size() < k_remembered_attributes) m_returned_names.insert(name);
    }

    // Why the read cannot be trusted: a field no record held, with what the records did hold
    // (those that look like it first).
    std::string missing_fields(const SourceRead& read) const {
        if (read.records.empty()) return {};
        std::string missing;
        std::vector<std::string> alike;
        for (size_t i = 0; i < m_settings.fields.size(); ++i) {
            const auto& field = m_settings.fields[i];
            if (m_field_present[i] || field.optional) continue;
            missing += (missing.empty() ? "" : "; ") + std::string("fields.") + field.name + " (" +
                       field.path.text() + ")";
            for (const auto& name : m_returned_names)
                if (lower(name).find(lower(field.name)) != std::string::npos) alike.push_back(name);
        }
        if (missing.empty()) return {};
        std::vector<std::string> shown = alike;
        for (const auto& name : m_returned_names)
            if (shown.size() < k_named_attributes && std::ranges::find(alike, name) == alike.end())
                shown.push_back(name);
        std::string returned;
        for (const auto& name : shown)
            returned += (returned.empty() ? "" : ", ") + name;
        return "no record the API returned holds " + missing +
               "; set the field's path to one the API returns, or mark it optional. The records "
               "hold: " +
               returned + (m_returned_names.size() > shown.size() ? ", ..." : "");
    }

    static std::string lower(std::string text) {
        std::ranges::transform(text, text.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return text;
    }

    tl::expected<http::Response, std::string> get(const std::string& url) {
        http::Request request{m_settings.method, url, {{"Accept", "application/json"}}, {}};
        if (m_settings.method == "POST") {
            request.headers.emplace_back("Content-Type", "application/json");
            request.body = m_settings.body;
        }
        if (!m_authorization.empty())
            request.headers.emplace_back("Authorization", m_authorization);
        return send(request);
    }

    tl::expected<http::Response, std::string> send(const http::Request& request) {
        auto sleeper = m_settings.sleeper ? m_settings.sleeper : http::real_sleeper();
        auto sent = http::send_with_retries(
            m_http, request, m_settings.retry, sleeper, [&](const http::RetryNotice& n) {
                m_log->warn("{} {}: {}; retry {} in {} ms", request.method,
                            http::redact_url(request.url), redact(n.reason), n.attempt,
                            n.delay.count());
            });
        if (!sent.result)
            return tl::unexpected("no answer: " + redact(sent.result.error().message));
        if (http::classify_status(sent.result->status) != http::Verdict::ok) {
            std::string detail = redact(std::move(sent.result->body)).substr(0, 200);
            return tl::unexpected("HTTP " + std::to_string(sent.result->status) +
                                  (detail.empty() ? "" : ": " + detail) +
                                  (sent.attempts > 1
                                       ? " (after " + std::to_string(sent.attempts) + " attempts)"
                                       : "") +
                                  (sent.gave_up.empty() ? "" : "; " + sent.gave_up));
        }
        return std::move(*sent.result);
    }

    // Every secret in use, this source's and any other's (http/secrets.hpp registers them all).
    static std::string redact(std::string text) { return http::redact_secrets(std::move(text)); }

    // The one auth layer (http/auth.hpp), as the targets use it.
    static http::Credentials credentials_of(const HttpApiSettings& settings) {
        http::Credentials credentials;
        switch (settings.auth) {
        case ApiAuth::none:
            break;
        case ApiAuth::bearer:
            credentials.kind = http::Credentials::Kind::bearer;
            credentials.token = settings.token;
            break;
        case ApiAuth::basic:
            credentials.kind = http::Credentials::Kind::basic;
            credentials.username = settings.username;
            credentials.password = settings.password;
            break;
        case ApiAuth::oauth2:
            credentials.kind = http::Credentials::Kind::oauth2;
            credentials.token_url = settings.token_url;
            credentials.client_id = settings.client_id;
            credentials.client_secret = settings.client_secret;
            credentials.scope = settings.scope;
            credentials.client_secret_in_body = settings.client_secret_in_body;
            credentials.refresh_token = settings.refresh_token;
            credentials.token_pointer = settings.token_pointer;
            break;
        }
        return credentials;
    }

    std::string authenticate() {
        auto header = m_auth.authorization();
        if (!header) return header.error();
        m_authorization = *header;
        return {};
    }

    const HttpApiSettings& m_settings;
    http::HttpClient m_http;
    std::shared_ptr<spdlog::logger> m_log;
    http::Authenticator m_auth;
    std::string m_authorization;            // never logged
    std::vector<bool> m_field_present;      // per field: some record held it
    std::set<std::string> m_returned_names; // for the error naming a missing field
};

void check_pointer(const std::string& pointer, const char* name) {
    try {
        (void)json::json_pointer(pointer);
    } catch (const json::exception&) {
        throw OptionError(name,
                          std::string(name) +
                              " must be a JSON pointer such as /data or /meta/next (RFC 6901)");
    }
}

PaginationSettings pagination_from(const SourceOptions& options) {
    PaginationSettings pages;
    const auto& style = options.get("pagination");
    static const std::array<std::pair<const char*, PaginationStyle>, 6> k_styles = {
        {{"none", PaginationStyle::none},
         {"page", PaginationStyle::page},
         {"offset", PaginationStyle::offset},
         {"cursor", PaginationStyle::cursor},
         {"next_url", PaginationStyle::next_url},
         {"link", PaginationStyle::link}}};
    auto found = std::find_if(k_styles.begin(), k_styles.end(),
                              [&](const auto& pair) { return style == pair.first; });
    if (found == k_styles.end())
        throw OptionError("pagination",
                          "pagination must be none, page, offset, cursor, next_url or link");
    pages.style = found->second;
    pages.page_param = options.get("page_param");
    pages.page_start = whole_number_option(options, "page_start", 0, 1);
    pages.size_param = options.get("size_param");
    pages.page_size = whole_number_option(options, "page_size", 1, 100000);
    pages.offset_param = options.get("offset_param");
    pages.limit_param = options.get("limit_param");
    pages.cursor_pointer = options.get("cursor_pointer");
    pages.cursor_param = options.get("cursor_param");
    pages.next_pointer = options.get("next_pointer");
    pages.total_pointer = options.get("total_pointer");
    pages.max_pages = static_cast<size_t>(whole_number_option(options, "max_pages", 1, 1000000));
    if (pages.style == PaginationStyle::cursor && pages.cursor_pointer.empty())
        throw OptionError("cursor_pointer", "pagination: cursor needs cursor_pointer");
    if (pages.style == PaginationStyle::next_url && pages.next_pointer.empty())
        throw OptionError("next_pointer", "pagination: next_url needs next_pointer");
    check_pointer(pages.cursor_pointer, "cursor_pointer");
    check_pointer(pages.next_pointer, "next_pointer");
    check_pointer(pages.total_pointer, "total_pointer");
    return pages;
}

// `fields:` arrives as one option per field, "fields.<name>", its path ending in '?' when
// the field is optional (the config loader writes them so).
std::vector<ApiField> fields_from(const SourceOptions& options) {
    std::vector<ApiField> fields;
    for (const auto& [option, value] : options.values) {
        if (!option.starts_with("fields.")) continue;
        std::string name = option.substr(7);
        const bool optional = value.ends_with('?');
        auto path = FieldPath::parse(optional ? std::string_view(value).substr(0, value.size() - 1)
                                              : std::string_view(value));
        if (!path) throw OptionError(option, option + ": " + path.error());
        fields.push_back({std::move(name), std::move(*path), optional});
    }
    return fields;
}

void auth_from(const SourceOptions& options, HttpApiSettings& settings) {
    const auto& auth = options.get("auth");
    if (auth == "none") {
        settings.auth = ApiAuth::none;
    } else if (auth == "bearer") {
        settings.auth = ApiAuth::bearer;
        settings.token = secret_option(options, "token_env", "token_file", true);
    } else if (auth == "basic") {
        settings.auth = ApiAuth::basic;
        settings.username = options.get("username");
        if (const auto& variable = options.get("username_env"); !variable.empty()) {
            const char* value = std::getenv(variable.c_str());
            if (!value || !*value)
                throw OptionError("username_env",
                                  "the environment variable " + variable + " is not set");
            settings.username = value; // BambooHR: the API key itself
            http::register_secret(settings.username);
        }
        if (settings.username.empty())
            throw OptionError("username", "auth: basic needs username or username_env");
        // Some APIs (BambooHR) take the key as the user name and ignore the password.
        if (!options.get("password_env").empty() || !options.get("password_file").empty())
            settings.password = secret_option(options, "password_env", "password_file", true);
    } else if (auth == "oauth2") {
        settings.auth = ApiAuth::oauth2;
        settings.token_url = options.get("token_url");
        settings.client_id = options.get("client_id");
        if (settings.token_url.empty() || settings.client_id.empty())
            throw OptionError("token_url", "auth: oauth2 needs token_url and client_id");
        settings.client_secret =
            secret_option(options, "client_secret_env", "client_secret_file", true);
        settings.scope = options.get("scope");
        const auto& client_auth = options.get("client_auth");
        if (client_auth != "basic" && client_auth != "body")
            throw OptionError("client_auth", "client_auth must be basic or body");
        settings.client_secret_in_body = client_auth == "body";
        settings.refresh_token =
            secret_option(options, "refresh_token_env", "refresh_token_file", false);
        settings.token_pointer = options.get("token_pointer");
        check_pointer(settings.token_pointer, "token_pointer");
    } else {
        throw OptionError("auth", "auth must be none, bearer, basic or oauth2");
    }
}

} // namespace

HttpApiSource::HttpApiSource(HttpApiSettings settings) : m_settings(std::move(settings)) {}

std::string HttpApiSource::describe() const {
    return "http_api:" + http::redact_url(m_settings.url);
}

SourceRead HttpApiSource::read() {
    return Reader(m_settings).read();
}

std::span<const OptionSpec> http_api_source_options() {
    return k_api_options;
}

std::unique_ptr<Source> make_http_api_source(const SourceOptions& options) {
    HttpApiSettings settings;
    settings.url = options.get("url");
    if (!settings.url.starts_with("https://") && !settings.url.starts_with("http://"))
        throw OptionError("url",
                          "url must start with https:// (or http:// for a local test server)");
    // Sent as it is: a CR LF would inject a header.
    for (const char* name : {"url", "token_url"})
        if (std::ranges::any_of(options.get(name),
                                [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
            throw OptionError(name,
                              std::string(name) + " holds a control character or a space; refused");
    auth_from(options, settings);
    settings.records_pointer = options.get("records");
    check_pointer(settings.records_pointer, "records");
    settings.key = options.get("key");
    settings.fields = fields_from(options);
    settings.method = options.get("method");
    if (settings.method != "GET" && settings.method != "POST")
        throw OptionError("method", "method must be GET or POST");
    settings.body = options.get("body");
    if (!settings.body.empty()) {
        if (settings.method != "POST")
            throw OptionError("body", "body is sent only with method: POST");
        if (!json::accept(settings.body))
            throw OptionError("body", "body must be JSON text, such as '{\"fields\": [\"id\"]}'");
    }
    settings.client_certificate = readable_file_option(options, "client_certificate");
    settings.client_key = readable_file_option(options, "client_key");
    if (settings.client_certificate.empty() != settings.client_key.empty())
        throw OptionError(settings.client_key.empty() ? "client_key" : "client_certificate",
                          "mutual TLS needs both client_certificate and client_key");
    settings.pagination = pagination_from(options);
    settings.timeout =
        std::chrono::seconds(whole_number_option(options, "timeout_seconds", 1, 3600));
    settings.retry.max_attempts =
        static_cast<int>(whole_number_option(options, "max_retries", 0, 20)) + 1;
    settings.ca_file = readable_file_option(options, "ca_file");
    return std::make_unique<HttpApiSource>(std::move(settings));
}

} // namespace hr2scim::connectors
