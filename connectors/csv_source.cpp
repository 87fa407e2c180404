#include "connectors/csv_source.hpp"

#include "connectors/line_reader.hpp"
#include "connectors/source_support.hpp"
#include "connectors/text_encoding.hpp"
#include "connectors/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <set>
#include <spdlog/spdlog.h>

namespace hr2scim::connectors {
namespace {

constexpr std::array k_csv_options = {
    OptionSpec{"type", true, "", "csv"},
    OptionSpec{"path", true, "", "the CSV file; relative to the config file's folder"},
    OptionSpec{"key_column", true, "", "the column that holds each person's stable key"},
    OptionSpec{"delimiter", false, "auto",
               "one character that separates fields; auto: the one the header uses (, ; tab |)"},
    OptionSpec{"encoding", false, "utf-8",
               "the file's encoding: utf-8, windows-1252 (Excel's CSV), iso-8859-1, iso-8859-15"},
};

std::string shown(char delimiter) {
    return delimiter == '\t' ? "tab" : "'" + std::string(1, delimiter) + "'";
}

std::string origin_of(const std::string& label, size_t line) {
    return label + ":" + std::to_string(line);
}

// The header must name every column once; returns why not, or nothing.
std::optional<std::string> check_header(const std::vector<std::string>& header,
                                        const std::string& key_column) {
    std::set<std::string_view, CaseInsensitiveLess> seen;
    for (size_t i = 0; i < header.size(); ++i) {
        if (header[i].empty())
            return "column " + std::to_string(i + 1) + " of the header has no name";
        if (!seen.insert(header[i]).second)
            return "column '" + header[i] +
                   "' appears twice in the header (names are compared ignoring case)";
        if (find_invalid_utf8(header[i])) return "the header is not valid UTF-8";
    }
    if (!seen.contains(key_column))
        return "the key column '" + key_column +
               "' is not in the header (columns: " + join(header) + ")";
    return std::nullopt;
}

// What a field that is not UTF-8 means for the file's encoding.
std::string not_utf8(const std::string& column, size_t byte, const std::string& encoding) {
    if (encoding != "utf-8")
        return "column '" + column + "' holds a byte that " + encoding + " does not define";
    return "column '" + column + "' is not valid UTF-8 (byte " + std::to_string(byte + 1) +
           "); a CSV saved by Excel is usually Windows-1252: set `encoding: windows-1252` in "
           "the source";
}

// Checks one data row against the header; returns the reason to reject it, or nothing.
std::optional<std::string> check_row(const CsvRow& row, const std::vector<std::string>& header,
                                     const std::string& encoding) {
    if (row.fields.size() != header.size())
        return "has " + std::to_string(row.fields.size()) + " fields, the header has " +
               std::to_string(header.size());
    for (size_t i = 0; i < header.size(); ++i)
        if (auto bad = find_invalid_utf8(row.fields[i])) return not_utf8(header[i], *bad, encoding);
    return std::nullopt;
}

// Turns rows into records as they arrive: the first row is the header.
class RecordBuilder {
  public:
    // With a sink, each record goes there instead of into the result.
    RecordBuilder(std::string file_label, std::string key_column, const RecordSink* sink = nullptr,
                  std::string encoding = "utf-8", char delimiter = ',')
        : m_label(std::move(file_label)), m_key_column(std::move(key_column)),
          m_encoding(std::move(encoding)), m_delimiter(delimiter), m_sink(sink) {}

    void add_error(const CsvError& error) {
        m_read.rejections.push_back({origin_of(m_label, error.line), "", error.reason});
    }

    void add_row(CsvRow&& row) {
        if (m_read.failure) return;
        if (!m_have_header) return take_header(std::move(row));
        std::string origin = origin_of(m_label, row.line);
        if (auto problem = check_row(row, m_header, m_encoding)) {
            // With every field in its column, a bad value elsewhere does not hide whose row it is.
            const bool key_readable = row.fields.size() == m_header.size() &&
                                      !row.fields[m_key_index].empty() &&
                                      !find_invalid_utf8(row.fields[m_key_index]);
            m_read.rejections.push_back(
                {origin, key_readable ? row.fields[m_key_index] : "", *problem});
            return;
        }
        if (row.fields[m_key_index].empty()) {
            m_read.rejections.push_back(
                {origin, "", "the key column '" + m_key_column + "' is empty"});
            return;
        }
        Record record{row.fields[m_key_index], {}, std::move(origin)};
        if (m_sink) { // streamed to mapping: the row as it is, under the shared header
            record.header = m_shared_header;
            record.fields = std::move(row.fields);
            (*m_sink)(std::move(record));
        } else {
            for (size_t i = 0; i < m_header.size(); ++i)
                record.attributes.emplace(m_header[i], std::vector{std::move(row.fields[i])});
            m_read.records.push_back(std::move(record));
        }
    }

    SourceRead finish(std::optional<CsvError> ended_badly) {
        if (ended_badly && !m_read.failure)
            m_read.failure = origin_of(m_label, ended_badly->line) + ": " + ended_badly->reason;
        if (!m_have_header && !m_read.failure)
            m_read.failure = m_label + ": no header row (the file is empty)";
        if (!m_sink) reject_duplicate_keys(m_read);
        return std::move(m_read);
    }

  private:
    void take_header(CsvRow&& row) {
        m_have_header = true;
        m_header = std::move(row.fields);
        if (auto problem = check_header(m_header, m_key_column)) {
            m_read.failure = origin_of(m_label, row.line) + ": " + *problem + hint(m_header);
            return;
        }
        m_read.attribute_names = m_header;
        m_shared_header = std::make_shared<const std::vector<std::string>>(m_header);
        const CaseInsensitiveLess less;
        auto key_at = std::find_if(m_header.begin(), m_header.end(), [&](const std::string& name) {
            return !less(name, m_key_column) && !less(m_key_column, name);
        });
        m_key_index = static_cast<size_t>(key_at - m_header.begin());
    }

    // A header of one column that holds another delimiter was split with the wrong one.
    [[nodiscard]] std::string hint(const std::vector<std::string>& header) const {
        if (header.size() != 1) return "";
        const char other = detect_delimiter(header.front());
        if (other == m_delimiter || header.front().find(other) == std::string::npos) return "";
        return "; the header looks separated by " + shown(other) + ", not " + shown(m_delimiter) +
               ": set `delimiter` to it, or leave it out to have it found";
    }

    std::string m_label;
    std::string m_key_column;
    std::string m_encoding;
    char m_delimiter;
    std::vector<std::string> m_header;
    std::shared_ptr<const std::vector<std::string>> m_shared_header;
    size_t m_key_index = 0;
    bool m_have_header = false;
    const RecordSink* m_sink;
    SourceRead m_read;
};

} // namespace

SourceRead records_from_csv(CsvParse parsed, const std::string& file_label,
                            const std::string& key_column) {
    RecordBuilder builder(file_label, key_column);
    for (const auto& error : parsed.errors)
        builder.add_error(error);
    for (auto& row : parsed.rows)
        builder.add_row(std::move(row));
    return builder.finish(std::move(parsed.truncated));
}

CsvSource::CsvSource(CsvSourceSettings settings) : m_settings(std::move(settings)) {}

std::string CsvSource::describe() const {
    return "csv:" + m_settings.path.string();
}

SourceRead CsvSource::read() {
    return read_to(nullptr);
}

SourceRead CsvSource::read_each(const RecordSink& each) {
    return read_to(&each);
}

// Streams the file: one line, and one row, in memory at a time besides the records.
SourceRead CsvSource::read_to(const RecordSink* each) {
    auto file = open_source_file(m_settings.path);
    if (!file) {
        SourceRead failed;
        failed.failure = file.error();
        return failed;
    }
    const std::string label = m_settings.path.filename().string();
    std::optional<ToUtf8> to_utf8;
    if (m_settings.encoding != "utf-8") to_utf8.emplace(m_settings.encoding);
    LineReader lines(*file, k_max_csv_record_bytes);
    std::string_view line;
    const bool more = lines.next(line);
    if (more && to_utf8) line = to_utf8->convert(line);
    // The delimiter, when not set, is the one the header line uses; said when it is not ','.
    CsvOptions options = m_settings.csv;
    if (options.delimiter == 0) {
        options.delimiter = more ? detect_delimiter(line) : ',';
        if (options.delimiter != ',')
            spdlog::info("{}: fields separated by {}, as its header is (set `delimiter` in the "
                         "source to choose)",
                         label, shown(options.delimiter));
    }
    RecordBuilder builder(label, m_settings.key_column, each, m_settings.encoding,
                          options.delimiter);
    CsvStreamParser parser(
        options, [&](CsvRow&& row) { builder.add_row(std::move(row)); },
        [&](CsvError&& error) { builder.add_error(error); });
    if (more) {
        parser.feed_line(line, lines.line_number());
        while (lines.next(line))
            parser.feed_line(to_utf8 ? to_utf8->convert(line) : line, lines.line_number());
    }
    if (lines.error()) return builder.finish(CsvError{lines.line_number() + 1, *lines.error()});
    return builder.finish(parser.finish());
}

char detect_delimiter(std::string_view header_line) {
    if (header_line.starts_with("\xEF\xBB\xBF")) header_line.remove_prefix(3);
    constexpr std::array<char, 4> k_candidates = {',', ';', '\t', '|'};
    std::array<size_t, 4> seen{};
    bool quoted = false;
    for (char c : header_line) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        for (size_t i = 0; i < k_candidates.size(); ++i)
            if (c == k_candidates[i]) ++seen[i];
    }
    size_t best = 0;
    for (size_t i = 1; i < seen.size(); ++i)
        if (seen[i] > seen[best]) best = i;
    return k_candidates[best];
}

std::optional<size_t> CsvSource::estimated_records() const {
    std::error_code error;
    if (!std::filesystem::is_regular_file(m_settings.path, error)) return std::nullopt;
    const auto size = std::filesystem::file_size(m_settings.path, error);
    if (error || size == 0) return std::nullopt;
    std::ifstream file(m_settings.path, std::ios::binary);
    std::string sample(std::min<std::uintmax_t>(size, std::uintmax_t{64} << 10U), '\0');
    file.read(sample.data(), static_cast<std::streamsize>(sample.size()));
    sample.resize(static_cast<size_t>(file.gcount()));
    const auto lines = static_cast<size_t>(std::ranges::count(sample, '\n'));
    // Lines of fewer than 16 bytes on average are not what an HR export looks like: no guess.
    if (lines == 0 || sample.size() / lines < 16) return std::nullopt;
    // The header is a line; quoted line breaks make the guess high, which costs only room.
    const auto in_file =
        static_cast<size_t>(static_cast<double>(lines) * static_cast<double>(size) /
                            static_cast<double>(sample.size()));
    return in_file > 0 ? in_file - 1 : 0;
}

std::span<const OptionSpec> csv_source_options() {
    return k_csv_options;
}

std::unique_ptr<Source> make_csv_source(const SourceOptions& options) {
    CsvSourceSettings settings;
    settings.path = options.base_directory / options.get("path");
    settings.key_column = options.get("key_column");
    const auto& delimiter = options.get("delimiter");
    if (delimiter == "auto") {
        settings.csv.delimiter = 0;
    } else if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" ||
               delimiter == "\r") {
        throw OptionError("delimiter", "delimiter must be one character other than a quote or a "
                                       "line end, or auto (the one the header uses)");
    } else {
        settings.csv.delimiter = delimiter[0];
    }
    const auto encoding = canonical_encoding(options.get("encoding"));
    if (!encoding)
        throw OptionError("encoding", "encoding must be one of " + source_encodings() + ", not '" +
                                          options.get("encoding") + "'");
    settings.encoding = *encoding;
    return std::make_unique<CsvSource>(std::move(settings));
}

} // namespace hr2scim::connectors
