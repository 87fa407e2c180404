#include "agent/run_lock.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "agent/config.hpp"

namespace hr2scim::agent {

RunLock::RunLock(const std::filesystem::path& state_file) {
    std::filesystem::path lock_file = state_file;
    lock_file += ".lock";
    std::error_code ignored;
    if (lock_file.has_parent_path()) std::filesystem::create_directories(lock_file.parent_path(), ignored);
    m_fd = ::open(lock_file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (m_fd < 0) throw ConfigError("cannot open lock file " + lock_file.string() + ": " + std::strerror(errno));
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
        throw ConfigError("another hr2scim run holds " + lock_file.string() + "; not starting a second one");
    }
}

RunLock::~RunLock() {
    if (m_fd >= 0) ::close(m_fd); // closing releases the lock
}

} // namespace hr2scim::agent
