#include "http/http_client.hpp"

#include "http/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace hr2scim::http {
namespace {

void global_init_once() {
    static std::once_flag flag;
    std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// An answer larger than any real one (a server streaming without end, a compressed bomb) is
// cut off; the limit counts decoded bytes.
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

using Answer = tl::expected<Response, TransportError>;

// One request in flight: everything libcurl points into lives here until it is done.
struct Transfer {
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    Response response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::promise<Answer> answer;

    Transfer() = default;
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;
    ~Transfer() {
        if (easy) curl_easy_cleanup(easy);
        curl_slist_free_all(header_list);
    }

    void finish(CURLcode code) {
        if (code != CURLE_OK) {
            std::string message = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
            if (code == CURLE_WRITE_ERROR) message = "the answer is larger than 256 MiB; refused";
            answer.set_value(tl::unexpected(TransportError{std::move(message)}));
            return;
        }
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
        answer.set_value(std::move(response));
    }
};

void configure(Transfer& transfer, const Request& request, const ClientOptions& options) {
    CURL* curl = transfer.easy;
    for (const auto& [name, value] : request.headers)
        transfer.header_list =
            curl_slist_append(transfer.header_list, (name + ": " + value).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "GET") curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
        // COPYPOSTFIELDS: the body must outlive nothing but the transfer itself.
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, transfer.header_list);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // Every encoding this libcurl decodes is offered (gzip, deflate, ...); bodies arrive decoded.
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    // Over HTTP/2, wait for the connection already open rather than opening another.
    curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
    // TLS verification is always on; a private CA is trusted through ca_file, never by turning
    // it off.
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
    if (!options.client_certificate.empty()) {
        curl_easy_setopt(curl, CURLOPT_SSLCERT, options.client_certificate.c_str());
        curl_easy_setopt(curl, CURLOPT_SSLKEY, options.client_key.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer.error_buffer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer.response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer.response.headers);
    curl_easy_setopt(curl, CURLOPT_PRIVATE, &transfer);
}

} // namespace

const std::string* Response::header(const std::string& lower_name) const {
    auto found = headers.find(lower_name);
    return found == headers.end() ? nullptr : &found->second;
}

// The multi handle and the thread that drives it. Callers hand transfers over through
// `waiting` and wake the thread; only the thread touches the multi handle after set-up.
struct HttpClient::Engine {
    CURLM* multi = nullptr;
    std::mutex mutex;
    std::deque<Transfer*> waiting;
    bool stopping = false;
    std::once_flag started;
    std::thread thread;

    explicit Engine(const ClientOptions& options) : multi(curl_multi_init()) {
        if (!multi) return;
        curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                          static_cast<long>(std::max<size_t>(1, options.max_connections)));
        curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    }

    ~Engine() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        if (multi) curl_multi_wakeup(multi);
        if (thread.joinable()) thread.join();
        if (multi) curl_multi_cleanup(multi);
    }

    void submit(Transfer& transfer) {
        std::call_once(started, [this] { thread = std::thread([this] { drive(); }); });
        {
            std::lock_guard lock(mutex);
            waiting.push_back(&transfer);
        }
        curl_multi_wakeup(multi);
    }

    void drive() {
        std::vector<Transfer*> active;
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (stopping) break;
                for (Transfer* transfer : waiting) {
                    if (curl_multi_add_handle(multi, transfer->easy) == CURLM_OK)
                        active.push_back(transfer);
                    else
                        transfer->answer.set_value(
                            tl::unexpected(TransportError{"libcurl refused to start the request"}));
                }
                waiting.clear();
            }
            int running = 0;
            curl_multi_perform(multi, &running);
            int left = 0;
            while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
                if (message->msg != CURLMSG_DONE) continue;
                Transfer* transfer = nullptr;
                curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
                const CURLcode code = message->data.result;
                curl_multi_remove_handle(multi, message->easy_handle);
                std::erase(active, transfer);
                transfer->finish(code);
            }
            curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
        // Stopping: nothing more is answered; whoever still waits hears so.
        std::lock_guard lock(mutex);
        for (Transfer* transfer : active) {
            curl_multi_remove_handle(multi, transfer->easy);
            transfer->answer.set_value(tl::unexpected(TransportError{"the client was stopped"}));
        }
        for (Transfer* transfer : waiting)
            transfer->answer.set_value(tl::unexpected(TransportError{"the client was stopped"}));
        waiting.clear();
    }
};

HttpClient::HttpClient(ClientOptions options) : m_options(std::move(options)) {
    global_init_once();
    m_engine = std::make_unique<Engine>(m_options);
}

HttpClient::~HttpClient() = default;

tl::expected<Response, TransportError> HttpClient::send(const Request& request) {
    if (!m_engine->multi) return tl::unexpected(TransportError{"could not initialise libcurl"});
    // Values taken from answers (tokens, next links) end up here: a CR or LF would let a
    // server inject headers or requests of its own. Refused, without showing the value.
    if (!unusable_in_header(request.url).empty())
        return tl::unexpected(TransportError{"refused to send: the URL holds a control character"});
    for (const auto& [name, value] : request.headers)
        if (auto problem = unusable_in_header(name + value); !problem.empty())
            return tl::unexpected(
                TransportError{"refused to send: the " + name + " header " + problem});
    Transfer transfer;
    transfer.easy = curl_easy_init();
    if (!transfer.easy) return tl::unexpected(TransportError{"could not initialise libcurl"});
    configure(transfer, request, m_options);
    auto answer = transfer.answer.get_future();
    m_engine->submit(transfer);
    return answer.get();
}

} // namespace hr2scim::http
