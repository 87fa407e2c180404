#include "agent/run_lock.hpp"

#include "agent/config.hpp"
#include "state/sqlite.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace hr2scim::agent {

RunLock::RunLock(const std::filesystem::path& state_file, Mode mode) {
    std::filesystem::path lock_file = state_file;
    lock_file += ".lock";
    const bool exclusive = mode == Mode::exclusive;
    if (exclusive)
        if (auto problem = state::state_folder_problem(state_file)) throw ConfigError(*problem);
    m_fd = ::open(lock_file.c_str(),
                  exclusive ? O_CREAT | O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        if (!exclusive && errno == ENOENT) return; // no sync ever ran here: nothing to wait for
        throw ConfigError("cannot open lock file " + lock_file.string() + ": " +
                          std::strerror(errno));
    }
    if (::flock(m_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
        throw ConfigError(exclusive ? "another hr2scim run holds " + lock_file.string() +
                                          "; not starting a second one"
                                    : "a sync is running (it holds " + lock_file.string() +
                                          "); the state is changing, so plan again when it ends");
    }
}

RunLock::~RunLock() {
    if (m_fd >= 0) ::close(m_fd); // closing releases the lock
}

} // namespace hr2scim::agent
