#pragma once
// RFC 4180 parsing, pure (text in, rows out), on top of libcsv in strict mode.
// Tracks the line each record starts on, so every error names its line.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::connectors {

struct CsvOptions {
    char delimiter = ',';
};

struct CsvRow {
    size_t line = 0; // where the record starts (1-based; records may span lines)
    std::vector<std::string> fields;
};

struct CsvError {
    size_t line = 0;
    std::string reason;
};

struct CsvParse {
    std::vector<CsvRow> rows;
    std::vector<CsvError> errors;     // malformed records, skipped
    std::optional<CsvError> truncated; // the text ended inside a quoted field
};

// A UTF-8 byte-order mark is skipped; LF and CRLF line ends are both accepted.
[[nodiscard]] CsvParse parse_csv(std::string_view text, const CsvOptions& options = {});

} // namespace hr2scim::connectors
