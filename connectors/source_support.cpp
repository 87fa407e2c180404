#include "connectors/source_support.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace hr2scim::connectors {

tl::expected<std::string, std::string> read_text_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return tl::unexpected("cannot open " + path.string() + ": " + std::strerror(errno));
    std::ostringstream content;
    content << file.rdbuf();
    if (file.bad()) return tl::unexpected("cannot read " + path.string() + ": " + std::strerror(errno));
    return content.str();
}

void reject_duplicate_keys(SourceRead& read) {
    std::map<std::string, std::vector<std::string>> origins_by_key;
    for (const auto& record : read.records) origins_by_key[record.key].push_back(record.origin);
    std::vector<Record> unique;
    for (auto& record : read.records) {
        const auto& origins = origins_by_key[record.key];
        if (origins.size() == 1) {
            unique.push_back(std::move(record));
            continue;
        }
        read.rejections.push_back({record.origin, record.key,
                                   "key '" + record.key + "' appears more than once (" + join(origins) + ")"});
    }
    read.records = std::move(unique);
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
