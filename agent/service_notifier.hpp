#pragma once
// What the service loop tells systemd (Type=notify, sd_notify(3)): READY=1 once the config is
// read and checked, STATUS= after each cycle, STOPPING=1 on the way out, and WATCHDOG=1 at
// half the unit's WatchdogSec= for as long as the process lives, waiting or in a cycle. A cycle
// may rightly take hours, so the pings say the process is not frozen or dead; that each
// cycle ends is what the metrics and /healthz say. Without NOTIFY_SOCKET (not run by systemd)
// each of these is nothing.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace hr2scim::agent {

class ServiceNotifier {
  public:
    ServiceNotifier(); // starts pinging when systemd asks for it (WATCHDOG_USEC)
    ~ServiceNotifier();
    ServiceNotifier(const ServiceNotifier&) = delete;
    ServiceNotifier& operator=(const ServiceNotifier&) = delete;

    void ready(const std::string& status) const;
    void status(const std::string& status) const;
    void stopping() const;

  private:
    void ping_every(std::chrono::microseconds interval);

    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_done = false;
    std::thread m_pinger; // last: it starts once the members above exist
};

} // namespace hr2scim::agent
