#include "connectors/ldif_reader.hpp"

#include <algorithm>
#include <cstring>
#include <lber.h>
#include <ldif.h>
#include <memory>

namespace hr2scim::connectors {
namespace {

struct LdifFileCloser {
    void operator()(LDIFFP* file) const { ldif_close(file); }
};

// Where each logical line of a record starts: physical lines that are neither folded
// continuations (leading space) nor comments. ldif_getline returns them in this order.
std::vector<size_t> logical_line_numbers(std::string_view record, size_t first_line) {
    std::vector<size_t> lines;
    size_t line = first_line;
    for (size_t at = 0; at < record.size(); ++line) {
        size_t end = std::min(record.find('\n', at), record.size());
        char c = record[at];
        if (c != '#' && c != ' ' && c != '\n' && c != '\r') lines.push_back(line);
        at = end + 1;
    }
    return lines;
}

std::string_view first_line_of(std::string_view record) {
    return record.substr(0, record.find_first_of("\r\n"));
}

std::string_view last_line_of(std::string_view record) {
    size_t end = record.find_last_not_of("\r\n");
    if (end == std::string_view::npos) return {};
    size_t start = record.find_last_of('\n', end);
    start = start == std::string_view::npos ? 0 : start + 1;
    return record.substr(start, end - start + 1);
}

// Where `line` occurs in `text` from `from` on; `from` when it does not.
size_t find_line(std::string_view text, std::string_view line, size_t from) {
    size_t at = line.empty() ? std::string_view::npos : text.find(line, from);
    return at == std::string_view::npos ? from : at;
}

size_t count_lines(std::string_view text, size_t from, size_t to) {
    to = std::min(to, text.size());
    if (from >= to) return 0;
    return static_cast<size_t>(std::count(text.begin() + static_cast<long>(from),
                                          text.begin() + static_cast<long>(to), '\n'));
}

bool same_name(std::string_view a, std::string_view b) {
    CaseInsensitiveLess less;
    return !less(a, b) && !less(b, a);
}

// The separator after the attribute description: ":" value, "::" base64, ":<" URL.
bool is_url_value(std::string_view line) {
    size_t colon = line.find(':');
    return colon != std::string_view::npos && colon + 1 < line.size() && line[colon + 1] == '<';
}

enum class RecordKind { entry, nothing, trailer, error };

// What ldapsearch writes in the result trailer of a search or of each page.
bool is_trailer_line(std::string_view name) {
    for (std::string_view known : {"result", "control", "pagedresults", "text", "matchedDN", "ref"})
        if (same_name(name, known)) return true;
    return false;
}

class RecordReader {
  public:
    RecordReader(char* record, size_t first_line) : m_record(record), m_first_line(first_line) {}

    // Reads one record: an entry, nothing (comments, `version: 1`), ldapsearch's result
    // trailer (its `result:` value in `trailer`), or an error.
    RecordKind read(LdifEntry& entry, LdifError& error, std::string& trailer,
                    size_t& trailer_line) {
        auto lines = logical_line_numbers(m_record, m_first_line);
        if (lines.empty()) return RecordKind::nothing;
        char* next = m_record;
        size_t index = 0;
        error.line = lines.front();
        bool failed = false;
        for (char* line = ldif_getline(&next); line; line = ldif_getline(&next), ++index) {
            size_t line_number = index < lines.size() ? lines[index] : m_first_line;
            // After the first bad line the rest is still read, only to learn whose record it is.
            LdifError ignored;
            if (!read_line(line, line_number, entry, failed ? ignored : error)) failed = true;
        }
        if (failed) {
            error.dn = entry.dn;
            error.readable = std::move(entry.attributes);
            return RecordKind::error;
        }
        if (!entry.dn.empty()) return RecordKind::entry;
        if (m_search_trailer) {
            trailer = m_result;
            trailer_line = m_result_line;
            return RecordKind::trailer;
        }
        return m_version_seen ? RecordKind::nothing
                              : (error.reason = "the record has no dn: line", RecordKind::error);
    }

  private:
    bool fail(LdifError& error, size_t line, std::string reason) {
        error.line = line;
        error.reason = std::move(reason);
        return false;
    }

    bool read_line(char* line, size_t line_number, LdifEntry& entry, LdifError& error) {
        // `attr:< file:///...` makes libldap read local files: never from an HR export.
        if (is_url_value(line))
            return fail(error, line_number, "URL values (attribute:< URL) are not read");
        berval type{}, value{};
        int free_value = 0;
        if (ldif_parse_line2(line, &type, &value, &free_value) != 0)
            return fail(error, line_number, "not an `attribute: value` line");
        std::string name(type.bv_val, type.bv_len);
        std::string text(value.bv_val ? value.bv_val : "", value.bv_len);
        if (free_value) ber_memfree(value.bv_val);
        return add(std::move(name), std::move(text), line_number, entry, error);
    }

    bool add(std::string name, std::string value, size_t line_number, LdifEntry& entry,
             LdifError& error) {
        auto is = [&](std::string_view expected) { return same_name(name, expected); };
        if (entry.dn.empty() && is("version") && !m_version_seen) {
            m_version_seen = true; // `version: 1` may share the first record
            return true;
        }
        if (entry.dn.empty() && (is("search") || (m_search_trailer && is_trailer_line(name)))) {
            // ldapsearch's "search: 2 / result: 0 Success", with `control:` and `pagedresults:`
            // after each page of a paged export (-E pr=N/noprompt), `text:` with a reason.
            m_search_trailer = true;
            if (is("result")) {
                m_result = value;
                m_result_line = line_number;
            }
            return true;
        }
        if (entry.dn.empty()) {
            if (!is("dn"))
                return fail(error, line_number, "a record must start with dn:, not " + name + ":");
            if (value.empty()) return fail(error, line_number, "the dn is empty");
            entry.dn = std::move(value);
            entry.line = line_number;
            error.dn = entry.dn;
            return true;
        }
        if (is("changetype"))
            return fail(error, line_number,
                        "a change record (changetype: " + value +
                            ") is not an entry; export with slapcat, "
                            "ldapsearch or ldifde instead");
        entry.attributes[std::move(name)].push_back(std::move(value));
        return true;
    }

    char* m_record;
    size_t m_first_line;
    bool m_version_seen = false;
    bool m_search_trailer = false;
    std::string m_result;
    size_t m_result_line = 0;
};

} // namespace

LdifParse parse_ldif(std::string_view text) {
    LdifParse result;
    // libldap reads C strings: a NUL byte would silently hide the rest of its record.
    if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
        result.incomplete =
            "line " + std::to_string(1 + count_lines(text, 0, nul)) +
            ": a NUL byte; LDIF is text (binary values must be base64, `attribute:: ...`)";
        return result;
    }
    std::string buffer(text); // ldif_open_mem reads a mutable buffer
    std::unique_ptr<LDIFFP, LdifFileCloser> file(ldif_open_mem(buffer.data(), buffer.size(), "r"));
    if (!file) {
        result.errors.push_back({1, {}, "could not open the LDIF text", {}});
        return result;
    }
    unsigned long ignored_line = 0;
    char* record = nullptr;
    int capacity = 0;
    size_t cursor = 0, cursor_line = 1;
    while (true) {
        // libldap skips a record's leading line that starts with a digit (an old entry id)
        // and then reports a record without writing the buffer: clear it to notice.
        if (record) record[0] = '\0';
        if (ldif_read_record(file.get(), &ignored_line, &record, &capacity) <= 0) break;
        if (!record || record[0] == '\0') continue;
        // Find the record in the text to know its lines: libldap's own count differs at the end
        // of the file, and it drops the CRs of CRLF line ends.
        std::string_view raw(record);
        size_t at = find_line(text, first_line_of(raw), cursor);
        cursor_line += count_lines(text, cursor, at);
        size_t record_line = cursor_line;
        size_t end = std::min(find_line(text, last_line_of(raw), at) + last_line_of(raw).size(),
                              text.size());

        std::string copy(raw);
        LdifEntry entry;
        LdifError error{record_line, {}, {}, {}};
        std::string trailer;
        size_t trailer_line = record_line;
        switch (RecordReader(copy.data(), record_line).read(entry, error, trailer, trailer_line)) {
        case RecordKind::entry:
            result.entries.push_back(std::move(entry));
            break;
        case RecordKind::error:
            result.errors.push_back(std::move(error));
            break;
        case RecordKind::trailer:
            if (!trailer.starts_with("0 ") && trailer != "0")
                result.incomplete = "line " + std::to_string(trailer_line) +
                                    ": the export ends with `result: " + trailer +
                                    "`, so it is not complete";
            break;
        case RecordKind::nothing:
            break;
        }
        cursor_line += count_lines(text, at, end);
        cursor = end;
    }
    ber_memfree(record);
    return result;
}

} // namespace hr2scim::connectors
