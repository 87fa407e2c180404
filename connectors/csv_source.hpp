#pragma once
// People from a CSV export: a header row names the columns, one column holds the key.

#include "connectors/csv_reader.hpp"
#include "connectors/source.hpp"

#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace hr2scim::connectors {

struct CsvSourceSettings {
    std::filesystem::path path;
    std::string key_column;
    CsvOptions csv;                 // delimiter 0: found from the header (detect_delimiter)
    std::string encoding = "utf-8"; // canonical_encoding's spelling (text_encoding.hpp)
};

// The delimiter a header line uses: of ',', ';', tab and '|' outside quotes, the one that
// appears most (',' on a tie or when none does: a file of one column).
[[nodiscard]] char detect_delimiter(std::string_view header_line);

class CsvSource final : public Source {
  public:
    explicit CsvSource(CsvSourceSettings settings);
    [[nodiscard]] SourceRead read() override;
    [[nodiscard]] SourceRead read_each(const RecordSink& each) override;
    [[nodiscard]] std::string describe() const override;
    // From the file's size and its first 64 KiB of lines (a regular file only: a pipe's bytes
    // would be gone).
    [[nodiscard]] std::optional<size_t> estimated_records() const override;

  private:
    SourceRead read_to(const RecordSink* each);
    CsvSourceSettings m_settings;
};

// Pure: rows of an already parsed file to records and rejections (tested without files).
[[nodiscard]] SourceRead records_from_csv(CsvParse parsed, const std::string& file_label,
                                          const std::string& key_column);

[[nodiscard]] std::span<const OptionSpec> csv_source_options();
[[nodiscard]] std::unique_ptr<Source> make_csv_source(const SourceOptions& options);

} // namespace hr2scim::connectors
