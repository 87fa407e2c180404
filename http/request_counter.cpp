#include "http/request_counter.hpp"

namespace hr2scim::http {

RequestKind request_kind(std::string_view method) {
    return method == "GET" || method == "HEAD" ? RequestKind::read : RequestKind::write;
}

bool refused_by_daily_cap(std::string_view message) {
    // Anywhere in it: the operation's message names the request before the error's text.
    return message.find(k_daily_cap_refusal) != std::string_view::npos;
}

void RequestCounter::allow(Allowance allowance) {
    std::lock_guard lock(m_mutex);
    m_allowance = std::move(allowance);
}

std::optional<std::string> RequestCounter::take(RequestKind kind) {
    std::lock_guard lock(m_mutex);
    // Checked and counted under one lock: concurrent senders never pass the allowance together.
    if (m_allowance.requests && m_sent.requests >= *m_allowance.requests)
        return m_allowance.requests_spent;
    const bool write = kind == RequestKind::write;
    if (write && m_allowance.writes && m_sent.writes >= *m_allowance.writes)
        return m_allowance.writes_spent;
    ++m_sent.requests;
    m_sent.writes += write ? 1 : 0;
    return std::nullopt;
}

RequestCounts RequestCounter::sent() const {
    std::lock_guard lock(m_mutex);
    return m_sent;
}

} // namespace hr2scim::http
