#include "http/secrets.hpp"

#include "http/redact.hpp"
#include "http/url.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sys/stat.h>

namespace hr2scim::http {
namespace {

// Longest first, so that "user:password" goes as a whole before "password" alone.
struct LongestFirst {
    bool operator()(const std::string& a, const std::string& b) const {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    }
};

struct Registry {
    std::mutex mutex;
    std::set<std::string, LongestFirst> secrets;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

} // namespace

void register_secret(std::string_view secret) {
    if (secret.size() < k_shortest_redacted_secret) return;
    std::lock_guard lock(registry().mutex);
    registry().secrets.emplace(secret);
}

void register_basic_credentials(std::string_view user, std::string_view password) {
    register_secret(password);
    std::string pair = std::string(user) + ":" + std::string(password);
    register_secret(pair);
    register_secret(base64_encode(pair));
}

std::string redact_secrets(std::string text) {
    std::lock_guard lock(registry().mutex);
    for (const auto& secret : registry().secrets)
        text = redact_secret(std::move(text), secret);
    return text;
}

tl::expected<std::string, std::string> read_secret_file(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return tl::unexpected("cannot read " + path.string() + ": " + std::strerror(errno));
    if (!S_ISREG(info.st_mode)) return tl::unexpected(path.string() + " is not a regular file");
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return tl::unexpected(
            path.string() + " can be read or written by others than its owner (mode " +
            octal_mode(info.st_mode) + "); a secret must not be: chmod 600 " + path.string());
    std::ifstream in(path, std::ios::binary);
    std::string secret;
    if (!in || !std::getline(in, secret)) return tl::unexpected("cannot read " + path.string());
    while (!secret.empty() &&
           (secret.back() == '\r' || secret.back() == ' ' || secret.back() == '\t'))
        secret.pop_back();
    if (secret.empty()) return tl::unexpected(path.string() + ": the first line is empty");
    register_secret(secret);
    return secret;
}

std::string unusable_in_header(std::string_view value) {
    for (unsigned char c : value)
        if (c < 0x20 || c == 0x7f)
            return "it holds a control character (a line break would inject a header)";
    return {};
}

} // namespace hr2scim::http
