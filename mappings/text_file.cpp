#include "mappings/text_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hr2scim::mappings {

tl::expected<std::string, std::string> read_regular_file(const std::filesystem::path& file,
                                                         std::string_view what,
                                                         std::uintmax_t max_bytes) {
    const std::string named = std::string(what) + " " + file.string();
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return tl::unexpected("cannot open " + named + ": " + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode))
        return tl::unexpected("cannot open " + named +
                              ": not a regular file (a FIFO, a device or a folder); refused");
    if (static_cast<std::uintmax_t>(status.st_size) > max_bytes)
        return tl::unexpected("cannot open " + named + ": it is " + std::to_string(status.st_size) +
                              " bytes, more than " + std::to_string(max_bytes) + "; refused");
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return tl::unexpected("cannot read " + named + ": " + std::strerror(errno));
        if (got == 0) return text;
        text.append(buffer, static_cast<size_t>(got));
        if (text.size() > max_bytes) // it grew while being read
            return tl::unexpected("cannot open " + named + ": more than " +
                                  std::to_string(max_bytes) + " bytes; refused");
    }
}

} // namespace hr2scim::mappings
