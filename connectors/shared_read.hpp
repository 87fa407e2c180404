#pragma once
// One read of a source for several targets: the first to read it reads the source, the
// others get a copy of the same read (records, rejections, failure), so that every target
// plans from the same snapshot of the HR system and the HR system is asked once.

#include "connectors/source.hpp"

#include <memory>
#include <mutex>
#include <optional>

namespace hr2scim::connectors {

class SharedRead {
  public:
    explicit SharedRead(std::unique_ptr<Source> source) : m_source(std::move(source)) {}
    [[nodiscard]] SourceRead read();
    [[nodiscard]] std::string describe() const { return m_source->describe(); }

  private:
    std::unique_ptr<Source> m_source;
    std::mutex m_mutex;
    std::optional<SourceRead> m_read; // guarded by m_mutex
};

// A Source that reads through a SharedRead.
class SharedReadSource final : public Source {
  public:
    explicit SharedReadSource(std::shared_ptr<SharedRead> shared) : m_shared(std::move(shared)) {}
    [[nodiscard]] SourceRead read() override { return m_shared->read(); }
    [[nodiscard]] std::string describe() const override { return m_shared->describe(); }

  private:
    std::shared_ptr<SharedRead> m_shared;
};

} // namespace hr2scim::connectors
