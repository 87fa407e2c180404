// Any bytes as a CSV export: the reader must neither crash nor lose track of lines.
#include "connectors/csv_source.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    // The first byte picks the delimiter, so odd delimiters are explored too.
    char delimiter = static_cast<char>(data[0]);
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') delimiter = ',';
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto parsed = hr2scim::connectors::parse_csv(text, {delimiter});

    size_t lines = 1;
    for (char c : text)
        lines += c == '\n' ? 1 : 0;
    size_t previous = 0;
    for (const auto& row : parsed.rows) {
        if (row.line < 1 || row.line > lines || row.line < previous) std::abort();
        previous = row.line;
    }
    std::string key =
        parsed.rows.empty() || parsed.rows[0].fields.empty() ? "id" : parsed.rows[0].fields[0];
    auto read = hr2scim::connectors::records_from_csv(std::move(parsed), "fuzz.csv", key);
    for (const auto& record : read.records)
        if (record.key.empty()) std::abort(); // an empty key must be a rejection
    return 0;
}
