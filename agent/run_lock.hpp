#pragma once
// One run per state file at a time: cron and a timer may overlap, two runs must not.

#include <filesystem>

namespace hr2scim::agent {

class RunLock {
public:
    // Throws ConfigError naming the lock file when another run holds it.
    explicit RunLock(const std::filesystem::path& state_file);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    int m_fd = -1;
};

} // namespace hr2scim::agent
