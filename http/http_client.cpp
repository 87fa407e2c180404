#include "http/http_client.hpp"

#include "http/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <mutex>

namespace hr2scim::http {
namespace {

void global_init_once() {
    static std::once_flag flag;
    std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// An answer larger than any real one (a server streaming without end) is cut off.
constexpr size_t k_max_body_bytes = size_t{256} << 20;

size_t collect_body(char* data, size_t size, size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    if (body->size() + size * count > k_max_body_bytes) return 0; // libcurl ends the transfer
    body->append(data, size * count);
    return size * count;
}

std::string trim(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

size_t collect_header(char* data, size_t size, size_t count, void* user) {
    std::string_view line(data, size * count);
    auto* headers = static_cast<std::map<std::string, std::string>*>(user);
    if (line.starts_with("HTTP/")) headers->clear(); // a new response (after a 100 or redirect)
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
        (*headers)[name] = trim(line.substr(colon + 1));
    }
    return size * count;
}

} // namespace

const std::string* Response::header(const std::string& lower_name) const {
    auto found = headers.find(lower_name);
    return found == headers.end() ? nullptr : &found->second;
}

struct HttpClient::Handle {
    CURL* curl = nullptr;
    ~Handle() {
        if (curl) curl_easy_cleanup(curl);
    }
};

HttpClient::HttpClient(ClientOptions options)
    : m_options(std::move(options)), m_handle(std::make_unique<Handle>()) {
    global_init_once();
    m_handle->curl = curl_easy_init();
}

HttpClient::~HttpClient() = default;

tl::expected<Response, TransportError> HttpClient::send(const Request& request) {
    CURL* curl = m_handle->curl;
    if (!curl) return tl::unexpected(TransportError{"could not initialise libcurl"});
    // Values taken from answers (tokens, next links) end up here: a CR or LF would let a
    // server inject headers or requests of its own. Refused, without showing the value.
    if (!unusable_in_header(request.url).empty())
        return tl::unexpected(TransportError{"refused to send: the URL holds a control character"});
    for (const auto& [name, value] : request.headers)
        if (auto problem = unusable_in_header(name + value); !problem.empty())
            return tl::unexpected(
                TransportError{"refused to send: the " + name + " header " + problem});
    curl_easy_reset(curl);

    Response response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : request.headers)
        header_list = curl_slist_append(header_list, (name + ": " + value).c_str());

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "GET") curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, m_options.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(m_options.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(m_options.request_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // TLS verification is always on; a private CA is trusted through ca_file, never by turning it
    // off.
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!m_options.ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, m_options.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(header_list);
    if (code != CURLE_OK) {
        std::string message = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
        if (code == CURLE_WRITE_ERROR) message = "the answer is larger than 256 MiB; refused";
        return tl::unexpected(TransportError{std::move(message)});
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

} // namespace hr2scim::http
