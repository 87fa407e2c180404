#include "connectors/line_reader.hpp"

namespace hr2scim::connectors {

bool LineReader::next(std::string_view& line) {
    constexpr size_t k_chunk = size_t{64} * 1024;
    size_t searched = m_start;
    while (!m_error) {
        size_t newline = m_buffer.find('\n', searched);
        if (newline != std::string::npos) {
            line = std::string_view(m_buffer).substr(m_start, newline + 1 - m_start);
            m_start = newline + 1;
            ++m_line;
            return true;
        }
        if (m_end) {
            if (m_start >= m_buffer.size()) return false;
            line = std::string_view(m_buffer).substr(m_start);
            m_start = m_buffer.size();
            ++m_line;
            return true;
        }
        m_buffer.erase(0, m_start);
        m_start = 0;
        searched = m_buffer.size();
        if (m_buffer.size() > m_max) {
            m_error = "line " + std::to_string(m_line + 1) + " is longer than " +
                      std::to_string(m_max >> 20) + " MiB; this is not a file of records";
            return false;
        }
        const size_t had = m_buffer.size();
        m_buffer.resize(had + k_chunk);
        m_in.read(m_buffer.data() + had, static_cast<std::streamsize>(k_chunk));
        m_buffer.resize(had + static_cast<size_t>(m_in.gcount()));
        if (m_in.bad()) m_error = "the file could not be read to its end";
        if (!m_in) m_end = true;
    }
    return false;
}

} // namespace hr2scim::connectors
