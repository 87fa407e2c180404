#include "connectors/csv_source.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "connectors/source_support.hpp"
#include "connectors/utf8.hpp"

namespace hr2scim::connectors {
namespace {

constexpr std::array k_csv_options = {
    OptionSpec{"type", true, "", "csv"},
    OptionSpec{"path", true, "", "the CSV file; relative to the config file's folder"},
    OptionSpec{"key_column", true, "", "the column that holds each person's stable key"},
    OptionSpec{"delimiter", false, ",", "one character that separates fields"},
};

std::string origin_of(const std::string& label, size_t line) {
    return label + ":" + std::to_string(line);
}

// The header must name every column once; returns why not, or nothing.
std::optional<std::string> check_header(const std::vector<std::string>& header,
                                        const std::string& key_column) {
    std::set<std::string_view, CaseInsensitiveLess> seen;
    for (size_t i = 0; i < header.size(); ++i) {
        if (header[i].empty()) return "column " + std::to_string(i + 1) + " of the header has no name";
        if (!seen.insert(header[i]).second)
            return "column '" + header[i] + "' appears twice in the header (names are compared ignoring case)";
        if (find_invalid_utf8(header[i])) return "the header is not valid UTF-8";
    }
    if (!seen.contains(key_column))
        return "the key column '" + key_column + "' is not in the header (columns: " + join(header) + ")";
    return std::nullopt;
}

// Checks one data row against the header; returns the reason to reject it, or nothing.
std::optional<std::string> check_row(const CsvRow& row, const std::vector<std::string>& header) {
    if (row.fields.size() != header.size())
        return "has " + std::to_string(row.fields.size()) + " fields, the header has " +
               std::to_string(header.size());
    for (size_t i = 0; i < header.size(); ++i)
        if (auto bad = find_invalid_utf8(row.fields[i]))
            return "column '" + header[i] + "' is not valid UTF-8 (byte " + std::to_string(*bad + 1) + ")";
    return std::nullopt;
}

} // namespace

SourceRead records_from_csv(CsvParse parsed, const std::string& file_label, const std::string& key_column) {
    SourceRead read;
    for (const auto& error : parsed.errors)
        read.rejections.push_back({origin_of(file_label, error.line), "", error.reason});
    if (parsed.truncated)
        read.failure = origin_of(file_label, parsed.truncated->line) + ": " + parsed.truncated->reason;
    if (parsed.rows.empty()) {
        if (!read.failure) read.failure = file_label + ": no header row (the file is empty)";
        return read;
    }
    const auto header = std::move(parsed.rows.front().fields);
    if (auto problem = check_header(header, key_column)) {
        read.failure = origin_of(file_label, parsed.rows.front().line) + ": " + *problem;
        return read;
    }
    read.attribute_names = header;
    const CaseInsensitiveLess less;
    const auto key_at = std::find_if(header.begin(), header.end(), [&](const std::string& name) {
        return !less(name, key_column) && !less(key_column, name);
    });
    const size_t key_index = static_cast<size_t>(key_at - header.begin());
    for (size_t r = 1; r < parsed.rows.size(); ++r) {
        auto& row = parsed.rows[r];
        std::string origin = origin_of(file_label, row.line);
        if (auto problem = check_row(row, header)) {
            // With every field in its column, a bad value elsewhere does not hide whose row it is.
            const bool key_readable = row.fields.size() == header.size() && !row.fields[key_index].empty() &&
                                      !find_invalid_utf8(row.fields[key_index]);
            read.rejections.push_back({origin, key_readable ? row.fields[key_index] : "", *problem});
            continue;
        }
        if (row.fields[key_index].empty()) {
            read.rejections.push_back({origin, "", "the key column '" + key_column + "' is empty"});
            continue;
        }
        Record record{row.fields[key_index], {}, origin};
        for (size_t i = 0; i < header.size(); ++i) record.attributes[header[i]] = {std::move(row.fields[i])};
        read.records.push_back(std::move(record));
    }
    reject_duplicate_keys(read);
    return read;
}

CsvSource::CsvSource(CsvSourceSettings settings) : m_settings(std::move(settings)) {}

std::string CsvSource::describe() const { return "csv:" + m_settings.path.string(); }

SourceRead CsvSource::read() {
    auto content = read_text_file(m_settings.path);
    if (!content) {
        SourceRead failed;
        failed.failure = content.error();
        return failed;
    }
    return records_from_csv(parse_csv(*content, m_settings.csv), m_settings.path.filename().string(),
                            m_settings.key_column);
}

std::span<const OptionSpec> csv_source_options() { return k_csv_options; }

std::unique_ptr<Source> make_csv_source(const SourceOptions& options) {
    CsvSourceSettings settings;
    settings.path = options.base_directory / options.get("path");
    settings.key_column = options.get("key_column");
    const auto& delimiter = options.get("delimiter");
    if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r")
        throw OptionError("delimiter", "delimiter must be one character other than a quote or a line end");
    settings.csv.delimiter = delimiter[0];
    return std::make_unique<CsvSource>(std::move(settings));
}

} // namespace hr2scim::connectors
