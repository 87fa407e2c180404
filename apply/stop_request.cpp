#include "apply/stop_request.hpp"

#include <atomic>
#include <mutex>

namespace hr2scim::apply {
namespace {

std::atomic<bool> g_requested = false;
std::mutex g_mutex;
std::string g_why; // guarded by g_mutex

} // namespace

void request_stop(std::string why) {
    std::scoped_lock lock(g_mutex);
    if (g_requested) return;
    g_why = std::move(why);
    g_requested = true;
}

std::optional<std::string> stop_requested() {
    if (!g_requested) return std::nullopt; // the common case takes no lock
    std::scoped_lock lock(g_mutex);
    return g_why;
}

void clear_stop_request() {
    std::scoped_lock lock(g_mutex);
    g_requested = false;
    g_why.clear();
}

} // namespace hr2scim::apply
