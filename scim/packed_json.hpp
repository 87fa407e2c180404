#pragma once
// A JSON body kept as its text. A parsed nlohmann tree of a SCIM User takes about 3.8 KB; its
// text about 600 bytes. At a million people, bodies that planning only compares by fingerprint
// or passes along unchanged stay packed, and are parsed where they are needed. Copies share
// one text (counted, as a shared_ptr would, from any thread).

#include <atomic>
#include <cstdint>
#include <cstring>
#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace hr2scim::scim {

class PackedJson {
  public:
    PackedJson() = default;
    // The text is written into a buffer kept by the thread, then copied once at its size: dump()
    // grows a new string by doubling, which left a third of each packed body unused.
    explicit PackedJson(const nlohmann::json& value) {
        thread_local std::string buffer;
        buffer.clear();
        nlohmann::detail::serializer<nlohmann::json> writer(
            nlohmann::detail::output_adapter<char>(buffer), ' ');
        writer.dump(value, false, false, 0); // what value.dump() does, into the buffer
        *this = of_text(buffer);
    }

    // Text written as dump() would write it (the compiled mapping writes bodies directly).
    [[nodiscard]] static PackedJson of_text(std::string_view text) {
        if (text.size() > UINT32_MAX) throw std::length_error("a body of 4 GiB or more");
        PackedJson packed;
        void* block = ::operator new(sizeof(Header) + text.size());
        packed.m_block = new (block) Header{1, static_cast<std::uint32_t>(text.size())};
        if (!text.empty())
            std::memcpy(static_cast<char*>(block) + sizeof(Header), text.data(), text.size());
        return packed;
    }

    PackedJson(const PackedJson& other) noexcept : m_block(other.m_block) {
        if (m_block) m_block->owners.fetch_add(1, std::memory_order_relaxed);
    }
    PackedJson(PackedJson&& other) noexcept : m_block(std::exchange(other.m_block, nullptr)) {}
    PackedJson& operator=(const PackedJson& other) noexcept {
        PackedJson copy(other);
        std::swap(m_block, copy.m_block);
        return *this;
    }
    PackedJson& operator=(PackedJson&& other) noexcept {
        PackedJson moved(std::move(other));
        std::swap(m_block, moved.m_block);
        return *this;
    }
    ~PackedJson() {
        if (m_block && m_block->owners.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            m_block->~Header();
            ::operator delete(m_block);
        }
    }

    [[nodiscard]] bool empty() const { return m_block == nullptr; }
    [[nodiscard]] std::string_view text() const {
        if (!m_block) return {};
        return {static_cast<const char*>(static_cast<const void*>(m_block)) + sizeof(Header),
                m_block->size};
    }
    // The text was written by dump(): it parses.
    [[nodiscard]] nlohmann::json parse() const { return nlohmann::json::parse(text()); }

  private:
    // One allocation a text: this header, then the text. A std::string behind a shared_ptr was
    // two allocations and 56 bytes more a body, and the pointer twice this one's size: 80 MB in
    // a plan of a million creates, whose bodies the mapped people and the creates share.
    struct Header {
        std::atomic<std::uint32_t> owners; // the PackedJson copies that share the text
        std::uint32_t size;
    };
    Header* m_block = nullptr;
};

} // namespace hr2scim::scim
