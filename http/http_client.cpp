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

// Failures of the request itself, found before anything reached the server: asking again
// gives the same answer.
bool failed_locally(CURLcode code) {
    switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_FAILED_INIT:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
        return true;
    default:
        return false;
    }
}

// An answer is awaited this much longer than libcurl's own timeouts allow, then given up.
constexpr std::chrono::seconds k_answer_grace{5};

// One request in flight: everything libcurl points into lives here until it is done.
struct Transfer {
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    Response response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::promise<Answer> answer;
    // libcurl's timeouts do not cover every state a transfer can be stuck in (a request it
    // failed locally leaves a connection that the next one, with PIPEWAIT, waits for forever):
    // past this instant the engine ends the transfer itself.
    std::chrono::steady_clock::time_point deadline;
    std::chrono::milliseconds allowed{0};

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
            const bool local = failed_locally(code);
            if (local)
                message = "libcurl could not send the request (" + message + "); not retried";
            answer.set_value(tl::unexpected(TransportError{std::move(message), local}));
            return;
        }
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
        answer.set_value(std::move(response));
    }
};

// False when libcurl refused an option (a URL it cannot take).
bool configure(Transfer& transfer, const Request& request, const ClientOptions& options) {
    CURL* curl = transfer.easy;
    for (const auto& [name, value] : request.headers)
        transfer.header_list =
            curl_slist_append(transfer.header_list, (name + ": " + value).c_str());
    if (curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str()) != CURLE_OK) return false;
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "GET") curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    // A HEAD answer has no body whatever its Content-Length says: without this, wait for one.
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
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
    return true;
}

} // namespace

// The multi handle and the thread that drives it. Callers hand transfers over through
// `waiting` and wake the thread; only the thread touches the multi handle after set-up.
// Transfers are shared: a caller that stopped waiting leaves its transfer to the engine.
struct HttpClient::Engine {
    CURLM* multi = nullptr;
    std::mutex mutex;
    std::deque<std::shared_ptr<Transfer>> waiting;
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

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    void submit(std::shared_ptr<Transfer> transfer) {
        std::call_once(started, [this] { thread = std::thread([this] { drive(); }); });
        {
            std::lock_guard lock(mutex);
            waiting.push_back(std::move(transfer));
        }
        curl_multi_wakeup(multi);
    }

    static void end(std::shared_ptr<Transfer>& transfer, std::string message) {
        transfer->answer.set_value(tl::unexpected(TransportError{std::move(message)}));
    }

    // Transfers past their deadline are taken from libcurl and answered "no answer".
    void expire(std::vector<std::shared_ptr<Transfer>>& active) {
        const auto now = std::chrono::steady_clock::now();
        std::erase_if(active, [&](std::shared_ptr<Transfer>& transfer) {
            if (now < transfer->deadline) return false;
            curl_multi_remove_handle(multi, transfer->easy);
            end(transfer, "no answer within " +
                              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                 transfer->allowed)
                                                 .count()) +
                              " s (timeout)");
            return true;
        });
    }

    void drive() {
        std::vector<std::shared_ptr<Transfer>> active;
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (stopping) break;
                for (auto& transfer : waiting) {
                    if (curl_multi_add_handle(multi, transfer->easy) == CURLM_OK)
                        active.push_back(std::move(transfer));
                    else
                        end(transfer, "libcurl refused to start the request");
                }
                waiting.clear();
            }
            int running = 0;
            curl_multi_perform(multi, &running);
            int left = 0;
            while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
                if (message->msg != CURLMSG_DONE) continue;
                Transfer* done = nullptr;
                curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &done);
                const CURLcode code = message->data.result;
                curl_multi_remove_handle(multi, message->easy_handle);
                auto found = std::ranges::find_if(
                    active, [&](const auto& transfer) { return transfer.get() == done; });
                if (found == active.end()) continue;
                (*found)->finish(code);
                active.erase(found);
            }
            expire(active);
            curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
        // Stopping: nothing more is answered; whoever still waits hears so.
        std::lock_guard lock(mutex);
        for (auto& transfer : active) {
            curl_multi_remove_handle(multi, transfer->easy);
            end(transfer, "the client was stopped");
        }
        for (auto& transfer : waiting)
            end(transfer, "the client was stopped");
        waiting.clear();
    }
};

namespace {

std::string bytes_text(size_t size, size_t limit) {
    return std::to_string(size) + " bytes long, more than " + std::to_string(limit);
}

} // namespace

std::string request_problem(const Request& request) {
    // Values taken from answers (tokens, next links) end up here: a CR or LF would let a
    // server inject headers or requests of its own.
    if (!unusable_in_header(request.url).empty()) return "the URL holds a control character";
    if (request.url.size() > k_max_url_bytes)
        return "the URL is " + bytes_text(request.url.size(), k_max_url_bytes);
    size_t total = 0;
    for (const auto& [name, value] : request.headers) {
        if (auto problem = unusable_in_header(name + value); !problem.empty())
            return "the " + name + " header " + problem;
        const size_t size = name.size() + value.size();
        if (size > k_max_header_bytes)
            return "the " + name + " header is " + bytes_text(size, k_max_header_bytes);
        total += size;
    }
    if (total > k_max_headers_bytes)
        return "the headers are " + bytes_text(total, k_max_headers_bytes) + " together";
    return {};
}

HttpClient::HttpClient(ClientOptions options) : m_options(std::move(options)) {
    global_init_once();
    m_engine = std::make_unique<Engine>(m_options);
}

HttpClient::~HttpClient() = default;

tl::expected<Response, TransportError> HttpClient::send(const Request& request) {
    if (!m_engine->multi) return tl::unexpected(TransportError{"could not initialise libcurl"});
    if (auto problem = request_problem(request); !problem.empty())
        return tl::unexpected(TransportError{"refused to send: " + problem, true});
    auto transfer = std::make_shared<Transfer>();
    transfer->easy = curl_easy_init();
    if (!transfer->easy) return tl::unexpected(TransportError{"could not initialise libcurl"});
    if (!configure(*transfer, request, m_options))
        return tl::unexpected(TransportError{"refused to send: libcurl cannot use the URL", true});
    transfer->allowed = m_options.connect_timeout + m_options.request_timeout;
    transfer->deadline = std::chrono::steady_clock::now() + transfer->allowed + k_answer_grace;
    auto answer = transfer->answer.get_future();
    const auto deadline = transfer->deadline;
    m_engine->submit(std::move(transfer));
    // The engine answers by the deadline; should it not, the caller still does not wait on.
    if (answer.wait_until(deadline + k_answer_grace) != std::future_status::ready)
        return tl::unexpected(TransportError{"no answer (the HTTP engine did not respond)"});
    return answer.get();
}

} // namespace hr2scim::http
