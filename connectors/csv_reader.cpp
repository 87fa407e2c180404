#include "connectors/csv_reader.hpp"

#include <csv.h>

namespace hr2scim::connectors {
namespace {

constexpr unsigned char k_parser_options = CSV_STRICT | CSV_STRICT_FINI;
constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

// RFC 4180: spaces are part of a field, so none are trimmed.
int no_spaces(unsigned char) { return 0; }

class LineTrackingParser {
public:
    explicit LineTrackingParser(const CsvOptions& options) : m_options(options) { reset(); }
    ~LineTrackingParser() { csv_free(&m_parser); }
    LineTrackingParser(const LineTrackingParser&) = delete;
    LineTrackingParser& operator=(const LineTrackingParser&) = delete;

    // Feeds one physical line (with its line end). Records end at line ends, so the line
    // after a record's end is where the next record starts.
    void feed_line(std::string_view line, size_t line_number) {
        bool was_open = m_row_open;
        if (!was_open) m_record_line = line_number;
        m_row_open = was_open || !is_blank(line);
        size_t parsed = csv_parse(&m_parser, line.data(), line.size(), on_field, on_row_end, this);
        if (parsed < line.size()) {
            m_result.errors.push_back({m_record_line, describe_error(line_number, parsed + 1)});
            reset();
        }
    }

    CsvParse finish() {
        if (csv_fini(&m_parser, on_field, on_row_end, this) != 0) {
            m_result.truncated = CsvError{
                m_record_line, "a quoted field opened in the record starting on line " +
                                   std::to_string(m_record_line) +
                                   " is not closed before the end of the file"};
        }
        return std::move(m_result);
    }

private:
    static bool is_blank(std::string_view line) {
        return line.find_first_not_of("\r\n") == std::string_view::npos;
    }

    std::string describe_error(size_t line_number, size_t column) const {
        // The caller's origin already names the record's first line.
        std::string where = "column " + std::to_string(column);
        if (line_number != m_record_line) where = "line " + std::to_string(line_number) + ", " + where;
        return where + ": a quote inside an unquoted field, or text after a closing quote";
    }

    void reset() {
        if (m_initialised) csv_free(&m_parser);
        csv_init(&m_parser, k_parser_options);
        csv_set_delim(&m_parser, static_cast<unsigned char>(m_options.delimiter));
        csv_set_space_func(&m_parser, no_spaces);
        m_initialised = true;
        m_fields.clear();
        m_row_open = false;
    }

    static void on_field(void* data, size_t length, void* self) {
        auto* parser = static_cast<LineTrackingParser*>(self);
        parser->m_fields.emplace_back(data ? static_cast<const char*>(data) : "", length);
    }

    static void on_row_end(int, void* self) {
        auto* parser = static_cast<LineTrackingParser*>(self);
        parser->m_result.rows.push_back({parser->m_record_line, std::move(parser->m_fields)});
        parser->m_fields.clear();
        parser->m_row_open = false;
    }

    CsvOptions m_options;
    csv_parser m_parser{};
    bool m_initialised = false;
    CsvParse m_result;
    std::vector<std::string> m_fields;
    size_t m_record_line = 1;
    bool m_row_open = false;
};

} // namespace

CsvParse parse_csv(std::string_view text, const CsvOptions& options) {
    if (text.starts_with(k_utf8_bom)) text.remove_prefix(k_utf8_bom.size());
    LineTrackingParser parser(options);
    size_t line_number = 1;
    for (size_t start = 0; start < text.size(); ++line_number) {
        size_t end = text.find('\n', start);
        end = end == std::string_view::npos ? text.size() : end + 1;
        parser.feed_line(text.substr(start, end - start), line_number);
        start = end;
    }
    return parser.finish();
}

} // namespace hr2scim::connectors
