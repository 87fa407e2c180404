#include "agent/redacting_output.hpp"

#include "http/secrets.hpp"

namespace hr2scim::agent {

void RedactingSink::sink_it_(const spdlog::details::log_msg& message) {
    std::string text =
        http::redact_secrets(std::string(message.payload.data(), message.payload.size()));
    spdlog::details::log_msg redacted(message.time, message.source, message.logger_name,
                                      message.level, text);
    m_inner->log(redacted);
}

RedactingBuffer::int_type RedactingBuffer::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    m_line += traits_type::to_char_type(c);
    if (m_line.back() == '\n') flush_line();
    return c;
}

int RedactingBuffer::sync() {
    flush_line();
    m_out.flush();
    return 0;
}

void RedactingBuffer::flush_line() {
    if (m_line.empty()) return;
    m_out << http::redact_secrets(std::move(m_line));
    m_line.clear();
}

} // namespace hr2scim::agent
