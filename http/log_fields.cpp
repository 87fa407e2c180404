#include "http/log_fields.hpp"

#include <mutex>
#include <utility>

namespace hr2scim::http {
namespace {

std::mutex g_mutex;
std::string g_target;             // guarded by g_mutex
thread_local std::string t_key{}; // this thread's person

} // namespace

void set_log_target(std::string target) {
    std::scoped_lock lock(g_mutex);
    g_target = std::move(target);
}

LogKey::LogKey(std::string_view key) : m_previous(std::exchange(t_key, std::string(key))) {}

LogKey::~LogKey() {
    t_key = std::move(m_previous);
}

LogFields current_log_fields() {
    std::scoped_lock lock(g_mutex);
    return {g_target, t_key};
}

} // namespace hr2scim::http
