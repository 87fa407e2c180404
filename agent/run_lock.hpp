#pragma once
// One sync per state file at a time: cron and a timer may overlap, two syncs must not.
// Readers (plan, explain, validate) hold the lock shared: they never run beside a sync that
// is rewriting the state, never block each other, and never create anything.

#include <filesystem>

namespace hr2scim::agent {

class RunLock {
  public:
    enum class Mode { exclusive, shared };
    // Throws ConfigError naming the lock file when a sync holds it (or, exclusive, anyone).
    // Exclusive creates the lock file (and the state's folder, mode 0700); shared takes the
    // lock only when the file exists.
    RunLock(const std::filesystem::path& state_file, Mode mode);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

  private:
    int m_fd = -1;
};

} // namespace hr2scim::agent
