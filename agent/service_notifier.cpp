#include "agent/service_notifier.hpp"

#include <cstdint>
#include <cstring>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace hr2scim::agent {
namespace {

void notify(const std::string& message) {
    // A lost notification must not stop a sync: systemd's own timeouts say what went wrong.
    if (const int sent = sd_notify(0, message.c_str()); sent < 0)
        spdlog::debug("sd_notify: {}", std::strerror(-sent));
}

} // namespace

ServiceNotifier::ServiceNotifier() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        m_pinger = std::thread([this, usec] { ping_every(std::chrono::microseconds(usec / 2)); });
}

ServiceNotifier::~ServiceNotifier() {
    {
        std::scoped_lock lock(m_mutex);
        m_done = true;
    }
    m_changed.notify_all();
    if (m_pinger.joinable()) m_pinger.join();
}

void ServiceNotifier::ready(const std::string& status) const {
    notify("READY=1\nSTATUS=" + status);
}

void ServiceNotifier::status(const std::string& status) const {
    notify("STATUS=" + status);
}

void ServiceNotifier::stopping() const {
    notify("STOPPING=1\nSTATUS=stopping");
}

void ServiceNotifier::ping_every(std::chrono::microseconds interval) {
    std::unique_lock lock(m_mutex);
    do {
        notify("WATCHDOG=1");
    } while (!m_changed.wait_for(lock, interval, [this] { return m_done; }));
}

} // namespace hr2scim::agent
