#include "connectors/source_support.hpp"

#include "http/secrets.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>

namespace hr2scim::connectors {

tl::expected<std::ifstream, std::string> open_source_file(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return tl::unexpected("cannot open " + path.string() + ": " + std::strerror(errno));
    if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode))
        return tl::unexpected("cannot read " + path.string() +
                              ": not a regular file (a device, folder or socket)");
    std::ifstream file(path, std::ios::binary);
    if (!file) return tl::unexpected("cannot open " + path.string() + ": " + std::strerror(errno));
    return file;
}

tl::expected<std::string, std::string> read_text_file(const std::filesystem::path& path,
                                                      size_t max_bytes) {
    auto file = open_source_file(path);
    if (!file) return tl::unexpected(file.error());
    std::string content;
    std::string chunk(size_t{1} << 20, '\0');
    while (*file) {
        file->read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        content.append(chunk.data(), static_cast<size_t>(file->gcount()));
        if (content.size() > max_bytes)
            return tl::unexpected(path.string() + " is larger than " +
                                  std::to_string(max_bytes >> 20) + " MiB; not read");
    }
    if (file->bad())
        return tl::unexpected("cannot read " + path.string() + ": " + std::strerror(errno));
    return content;
}

std::string repeated_key_reason(const std::string& key, const std::vector<std::string>& origins) {
    return "key '" + key + "' appears more than once (" + join(origins) + ")";
}

void reject_duplicate_keys(SourceRead& read) {
    std::map<std::string, std::vector<std::string>> origins_by_key;
    for (const auto& record : read.records)
        origins_by_key[record.key].push_back(record.origin);
    std::vector<Record> unique;
    for (auto& record : read.records) {
        const auto& origins = origins_by_key[record.key];
        if (origins.size() == 1) {
            unique.push_back(std::move(record));
            continue;
        }
        read.rejections.push_back(
            {record.origin, record.key, repeated_key_reason(record.key, origins)});
    }
    read.records = std::move(unique);
}

std::string secret_option(const SourceOptions& options, const std::string& env_option,
                          const std::string& file_option, bool required) {
    const auto& variable = options.get(env_option);
    const auto& file = options.get(file_option);
    if (!variable.empty() && !file.empty())
        throw OptionError(env_option, "give " + env_option + " or " + file_option + ", not both");
    if (!variable.empty()) {
        const char* value = std::getenv(variable.c_str());
        if (!value || !*value)
            throw OptionError(env_option, "the environment variable " + variable + " is not set");
        http::register_secret(value);
        return value;
    }
    if (file.empty()) {
        if (required)
            throw OptionError(env_option, "this needs " + env_option + " or " + file_option);
        return {};
    }
    auto secret = http::read_secret_file(options.base_directory / file);
    if (!secret) throw OptionError(file_option, secret.error());
    return *secret;
}

std::string readable_file_option(const SourceOptions& options, const std::string& name) {
    const auto& value = options.get(name);
    if (value.empty()) return {};
    auto path = options.base_directory / value;
    std::ifstream probe(path);
    if (!probe)
        throw OptionError(name, "cannot read " + path.string() + ": " + std::strerror(errno));
    return path.string();
}

long whole_number_option(const SourceOptions& options, const char* name, long low, long high) {
    const auto& text = options.get(name);
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < low || value > high)
        throw OptionError(name, std::string(name) + " must be a whole number from " +
                                    std::to_string(low) + " to " + std::to_string(high));
    return value;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

} // namespace hr2scim::connectors
