#include "agent/target_checks.hpp"

#include "http/secrets.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace hr2scim::agent {

std::optional<std::string> target_problem(const TargetConfig& target) {
    try {
        (void)resolve_credentials(target);
    } catch (const ConfigError& error) {
        return error.what();
    }
    for (const auto& [file, name] : {std::pair{&target.ca_file, "ca_file"},
                                     std::pair{&target.client_certificate, "client_certificate"},
                                     std::pair{&target.client_key, "client_key"}})
        if (!file->empty() && !std::ifstream(*file))
            return "target." + std::string(name) + ": cannot read " + file->string() + ": " +
                   std::strerror(errno);
    // A private key is a secret: only its owner may read it, as for token files.
    if (!target.client_key.empty())
        if (auto read = http::read_secret_file(target.client_key); !read)
            return "target.client_key: " + read.error();
    return std::nullopt;
}

} // namespace hr2scim::agent
