#include "agent/output_file.hpp"

#include "agent/config.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace hr2scim::agent {

void write_file_atomically(const std::filesystem::path& file, std::string_view content,
                           mode_t mode) {
    auto temporary = file;
    temporary += ".tmp";
    auto fail = [&](const char* what) {
        const int saved = errno;
        std::filesystem::remove(temporary);
        throw ConfigError(std::string("cannot ") + what + " " + file.string() + ": " +
                          std::strerror(saved));
    };
    const int fd = ::open(temporary.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) fail("write");
    for (size_t done = 0; done < content.size();) {
        const auto wrote = ::write(fd, content.data() + done, content.size() - done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            ::close(fd);
            fail("write");
        }
        done += static_cast<size_t>(wrote);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) fail("write");
    if (::rename(temporary.c_str(), file.c_str()) != 0) fail("replace");
}

std::optional<std::string> output_folder_problem(const std::filesystem::path& file,
                                                 std::string_view setting) {
    std::error_code error;
    const auto folder = std::filesystem::absolute(file, error).parent_path();
    if (!std::filesystem::is_directory(folder, error))
        return std::string(setting) + ": cannot write " + file.string() + ": the folder " +
               folder.string() + " does not exist";
    // A file is written beside it and renamed over it: the folder must take new files.
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        return std::string(setting) + ": cannot write " + file.string() + " (" + folder.string() +
               ": " + std::strerror(errno) + ")";
    return std::nullopt;
}

} // namespace hr2scim::agent
