#pragma once
// Fields few of a million records have, held apart: 8 bytes for a record without them instead
// of their whole size inline. Reading them from a record without them reads empty ones; editing
// makes room. A copy of the record copies them (never a second view of the same ones).

#include <memory>

namespace hr2scim::scim {

template <class Fields> class RareFields {
  public:
    RareFields() = default;
    RareFields(const RareFields& other) : m_fields(copy_of(other)) {}
    RareFields& operator=(const RareFields& other) {
        if (this != &other) m_fields = copy_of(other);
        return *this;
    }
    RareFields(RareFields&&) noexcept = default;
    RareFields& operator=(RareFields&&) noexcept = default;
    ~RareFields() = default;

    [[nodiscard]] const Fields& get() const {
        static const Fields none{};
        return m_fields ? *m_fields : none;
    }
    [[nodiscard]] Fields& edit() {
        if (!m_fields) m_fields = std::make_unique<Fields>();
        return *m_fields;
    }

  private:
    static std::unique_ptr<Fields> copy_of(const RareFields& other) {
        return other.m_fields ? std::make_unique<Fields>(*other.m_fields) : nullptr;
    }
    std::unique_ptr<Fields> m_fields;
};

} // namespace hr2scim::scim
