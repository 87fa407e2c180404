#pragma once
// RFC 4180 parsing, pure (text in, rows out), on top of libcsv in strict mode.
// Tracks the line each record starts on, so every error names its line.

#include <functional>
#include <memory>
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
    std::vector<CsvError> errors;      // malformed records, skipped
    std::optional<CsvError> truncated; // the text ended inside a quoted field
};

// A record (quoted line breaks included) longer than this is not a record: the source fails.
inline constexpr size_t k_max_csv_record_bytes = size_t{1} << 20;

// Parses one physical line at a time and hands each row over as soon as it ends, so a file
// is never held whole. Errors are rows skipped; `finish` says whether the text ended cleanly.
class CsvStreamParser {
  public:
    using RowHandler = std::function<void(CsvRow&&)>;
    using ErrorHandler = std::function<void(CsvError&&)>;
    CsvStreamParser(const CsvOptions& options, RowHandler on_row, ErrorHandler on_error);
    ~CsvStreamParser();
    CsvStreamParser(const CsvStreamParser&) = delete;
    CsvStreamParser& operator=(const CsvStreamParser&) = delete;

    // One physical line with its line end; a UTF-8 byte-order mark on line 1 is skipped.
    void feed_line(std::string_view line, size_t line_number);
    // Where the text ended inside a quoted field or an over-long record, or nothing.
    [[nodiscard]] std::optional<CsvError> finish();

  private:
    struct State;
    std::unique_ptr<State> m_state;
};

// A UTF-8 byte-order mark is skipped; LF and CRLF line ends are both accepted.
[[nodiscard]] CsvParse parse_csv(std::string_view text, const CsvOptions& options = {});

} // namespace hr2scim::connectors
