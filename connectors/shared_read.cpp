#include "connectors/shared_read.hpp"

namespace hr2scim::connectors {

SourceRead SharedRead::read() {
    std::scoped_lock lock(m_mutex);
    if (!m_read) m_read = m_source->read();
    return *m_read;
}

} // namespace hr2scim::connectors
