#include "connectors/csv_reader.hpp"

#include <csv.h>

namespace hr2scim::connectors {
namespace {

constexpr unsigned char k_parser_options = CSV_STRICT | CSV_STRICT_FINI;
constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

// RFC 4180: spaces are part of a field, so none are trimmed.
int no_spaces(unsigned char) {
    return 0;
}

} // namespace

struct CsvStreamParser::State {
    State(const CsvOptions& csv_options, RowHandler row_handler, ErrorHandler error_handler)
        : options(csv_options), on_row(std::move(row_handler)), on_error(std::move(error_handler)) {
        reset();
    }
    ~State() { csv_free(&parser); }
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    // Records end at line ends, so the line after a record's end is where the next one starts.
    void feed_line(std::string_view line, size_t line_number) {
        if (failed) return;
        if (line_number == 1 && line.starts_with(k_utf8_bom)) line.remove_prefix(k_utf8_bom.size());
        bool was_open = row_open;
        if (!was_open) {
            record_line = line_number;
            record_bytes = 0;
        }
        row_open = was_open || !is_blank(line);
        record_bytes += line.size();
        if (record_bytes > k_max_csv_record_bytes) {
            failed =
                CsvError{record_line, "the record starting on line " + std::to_string(record_line) +
                                          " is longer than 1 MiB (a quote that is never closed?)"};
            return;
        }
        size_t parsed = csv_parse(&parser, line.data(), line.size(), on_field, on_row_end, this);
        if (parsed < line.size()) {
            on_error({record_line, describe_error(line_number, parsed + 1)});
            reset();
        }
    }

    std::optional<CsvError> finish() {
        if (failed) return failed;
        if (csv_fini(&parser, on_field, on_row_end, this) != 0)
            return CsvError{record_line, "a quoted field opened in the record starting on line " +
                                             std::to_string(record_line) +
                                             " is not closed before the end of the file"};
        return std::nullopt;
    }

    static bool is_blank(std::string_view line) {
        return line.find_first_not_of("\r\n") == std::string_view::npos;
    }

    std::string describe_error(size_t line_number, size_t column) const {
        // The caller's origin already names the record's first line.
        std::string where = "column " + std::to_string(column);
        if (line_number != record_line)
            where = "line " + std::to_string(line_number) + ", " + where;
        return where + ": a quote inside an unquoted field, or text after a closing quote";
    }

    void reset() {
        if (initialised) csv_free(&parser);
        csv_init(&parser, k_parser_options);
        csv_set_delim(&parser, static_cast<unsigned char>(options.delimiter));
        csv_set_space_func(&parser, no_spaces);
        initialised = true;
        fields.clear();
        row_open = false;
    }

    static void on_field(void* data, size_t length, void* self) {
        static_cast<State*>(self)->fields.emplace_back(data ? static_cast<const char*>(data) : "",
                                                       length);
    }

    static void on_row_end(int, void* self) {
        auto* state = static_cast<State*>(self);
        state->on_row({state->record_line, std::move(state->fields)});
        state->fields.clear();
        state->row_open = false;
    }

    CsvOptions options;
    RowHandler on_row;
    ErrorHandler on_error;
    csv_parser parser{};
    bool initialised = false;
    std::vector<std::string> fields;
    size_t record_line = 1;
    size_t record_bytes = 0;
    bool row_open = false;
    std::optional<CsvError> failed;
};

CsvStreamParser::CsvStreamParser(const CsvOptions& options, RowHandler on_row,
                                 ErrorHandler on_error)
    : m_state(std::make_unique<State>(options, std::move(on_row), std::move(on_error))) {}

CsvStreamParser::~CsvStreamParser() = default;

void CsvStreamParser::feed_line(std::string_view line, size_t line_number) {
    m_state->feed_line(line, line_number);
}

std::optional<CsvError> CsvStreamParser::finish() {
    return m_state->finish();
}

CsvParse parse_csv(std::string_view text, const CsvOptions& options) {
    CsvParse result;
    CsvStreamParser parser(
        options, [&](CsvRow&& row) { result.rows.push_back(std::move(row)); },
        [&](CsvError&& error) { result.errors.push_back(std::move(error)); });
    size_t line_number = 1;
    for (size_t start = 0; start < text.size(); ++line_number) {
        size_t end = text.find('\n', start);
        end = end == std::string_view::npos ? text.size() : end + 1;
        parser.feed_line(text.substr(start, end - start), line_number);
        start = end;
    }
    result.truncated = parser.finish();
    return result;
}

} // namespace hr2scim::connectors
