#pragma once
// Physical lines from a stream, each with its line end, read in chunks: memory holds one
// line at a time, and a line longer than the limit (a file that never ends a line, such as
// /dev/zero through a pipe) is an error instead of a heap that grows without bound.

#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::connectors {

class LineReader {
  public:
    LineReader(std::istream& in, size_t max_line_bytes) : m_in(in), m_max(max_line_bytes) {}

    // The next line, valid until the next call; false at the end of the stream or on error().
    bool next(std::string_view& line);
    [[nodiscard]] const std::optional<std::string>& error() const { return m_error; }
    [[nodiscard]] size_t line_number() const { return m_line; } // of the line last returned

  private:
    std::istream& m_in;
    size_t m_max;
    std::string m_buffer;
    size_t m_start = 0;
    size_t m_line = 0;
    bool m_end = false;
    std::optional<std::string> m_error;
};

} // namespace hr2scim::connectors
