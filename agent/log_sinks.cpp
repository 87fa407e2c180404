#include "agent/log_sinks.hpp"

#include "http/log_fields.hpp"
#include "state/timestamp.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace hr2scim::agent {
namespace {

// JOURNAL_STREAM is "device:inode" of the stream systemd connected to journald; it is ours
// only if standard error is still that stream (not redirected by a shell in between).
bool stderr_is_the_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return false;
    struct stat status {};
    if (::fstat(STDERR_FILENO, &status) != 0) return false;
    const std::string expected =
        std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
    return expected == stream;
}

std::string_view level_name(spdlog::level::level_enum level) {
    switch (level) {
    case spdlog::level::trace:
        return "trace";
    case spdlog::level::debug:
        return "debug";
    case spdlog::level::info:
        return "info";
    case spdlog::level::warn:
        return "warn";
    case spdlog::level::err:
        return "error";
    case spdlog::level::critical:
        return "critical";
    default:
        return "off";
    }
}

// "2026-11-25T04:03:46.252Z": the state's timestamp (UTC) with milliseconds.
std::string utc_time(spdlog::log_clock::time_point time) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds).count();
    auto text = state::to_timestamp(seconds);
    text.insert(text.size() - 1, fmt::format(".{:03}", millis));
    return text;
}

std::string_view payload(const spdlog::details::log_msg& message) {
    return {message.payload.data(), message.payload.size()};
}

class JsonLinesSink final : public spdlog::sinks::base_sink<std::mutex> {
  protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
        const auto fields = http::current_log_fields();
        nlohmann::ordered_json line = {
            {"time", utc_time(message.time)},
            {"level", level_name(message.level)},
            {"logger", std::string(message.logger_name.data(), message.logger_name.size())}};
        if (!fields.target.empty()) line["target"] = fields.target;
        if (!fields.key.empty()) line["key"] = fields.key;
        line["message"] = std::string(payload(message));
        const auto text =
            line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }
};

// journald's native protocol: one datagram a line, FIELD=value lines; a value holding a
// line break is written as FIELD, a line break, its length (64-bit little endian) and the
// bytes.
void append_field(std::string& datagram, std::string_view name, std::string_view value) {
    if (value.find('\n') == std::string_view::npos) {
        datagram.append(name).append("=").append(value).append("\n");
        return;
    }
    datagram.append(name).append("\n");
    uint64_t length = value.size();
    for (int byte = 0; byte < 8; ++byte)
        datagram.push_back(static_cast<char>((length >> (8 * byte)) & 0xff));
    datagram.append(value).append("\n");
}

class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    JournalSink() : m_socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        const char* path = std::getenv("HR2SCIM_JOURNAL_SOCKET"); // tests point it elsewhere
        const std::string socket_path = path ? path : "/run/systemd/journal/socket";
        m_address.sun_family = AF_UNIX;
        std::strncpy(m_address.sun_path, socket_path.c_str(), sizeof m_address.sun_path - 1);
    }
    ~JournalSink() override {
        if (m_socket >= 0) ::close(m_socket);
    }
    JournalSink(const JournalSink&) = delete;
    JournalSink& operator=(const JournalSink&) = delete;

  protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
        const auto fields = http::current_log_fields();
        const int priority = journal_priority(message.level);
        std::string datagram;
        append_field(datagram, "MESSAGE", payload(message));
        append_field(datagram, "PRIORITY", std::to_string(priority));
        append_field(datagram, "SYSLOG_IDENTIFIER", "hr2scim");
        append_field(datagram, "HR2SCIM_LOGGER",
                     std::string_view(message.logger_name.data(), message.logger_name.size()));
        if (!fields.target.empty()) append_field(datagram, "HR2SCIM_TARGET", fields.target);
        if (!fields.key.empty()) append_field(datagram, "HR2SCIM_KEY", fields.key);
        if (m_socket >= 0 && ::sendto(m_socket, datagram.data(), datagram.size(), MSG_NOSIGNAL,
                                      reinterpret_cast<const sockaddr*>(&m_address),
                                      sizeof m_address) == static_cast<ssize_t>(datagram.size()))
            return;
        // journald reads "<N>" at the start of a line on its stream as the priority.
        std::string line = "<" + std::to_string(priority) + ">" + std::string(payload(message));
        for (auto& c : line)
            if (c == '\n') c = ' ';
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

  private:
    int m_socket;
    sockaddr_un m_address{};
};

} // namespace

int journal_priority(spdlog::level::level_enum level) {
    switch (level) {
    case spdlog::level::critical:
        return 2;
    case spdlog::level::err:
        return 3;
    case spdlog::level::warn:
        return 4;
    case spdlog::level::info:
        return 6;
    default:
        return 7;
    }
}

LogFormat choose_log_format(std::string_view requested) {
    if (requested == "json") return LogFormat::json;
    if (requested == "text") return LogFormat::text;
    if (requested == "journal") return LogFormat::journal;
    return stderr_is_the_journal() ? LogFormat::journal : LogFormat::text;
}

spdlog::sink_ptr make_log_sink(LogFormat format, bool coloured) {
    switch (format) {
    case LogFormat::json:
        return std::make_shared<JsonLinesSink>();
    case LogFormat::journal:
        return std::make_shared<JournalSink>();
    case LogFormat::text:
        break;
    }
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
        coloured ? spdlog::color_mode::always : spdlog::color_mode::never);
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
    return sink;
}

} // namespace hr2scim::agent
