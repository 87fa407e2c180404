#pragma once
// Finds people by identity key (state/source_key.hpp) without a string or a node per person: an
// open-addressing table of (hash, index) pairs into the caller's own list, which keeps the keys.
// A million keys in std::unordered_map<std::string, …> cost three cache misses and an
// allocation each; here a look-up is one probe into 8 bytes a slot, then one key comparison.

#include "state/source_key.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace hr2scim::state {

// The hash of identity_key(key, case_sensitive), computed without making it.
[[nodiscard]] inline uint32_t identity_hash(std::string_view key, bool case_sensitive) {
    uint64_t hash = 0xcbf29ce484222325ULL; // FNV-1a, then a finalizer to spread short keys
    for (char c : trimmed_key(key)) {
        hash ^= static_cast<unsigned char>(identity_char(c, case_sensitive));
        hash *= 0x100000001b3ULL;
    }
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdULL;
    hash ^= hash >> 33;
    return static_cast<uint32_t>(hash);
}

// identity_key(a) == identity_key(b), without making either.
[[nodiscard]] inline bool same_identity(std::string_view a, std::string_view b,
                                        bool case_sensitive) {
    a = trimmed_key(a);
    b = trimmed_key(b);
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (identity_char(a[i], case_sensitive) != identity_char(b[i], case_sensitive))
            return false;
    return true;
}

// Indexes into a list by identity key. KeyOf(index) gives the key of the list's item at index;
// the list must not change the keys of indexed items.
template <class KeyOf> class IdentityTable {
  public:
    IdentityTable(bool case_sensitive, KeyOf key_of)
        : m_case_sensitive(case_sensitive), m_key_of(std::move(key_of)) {}

    void reserve(size_t items) {
        size_t wanted = 16;
        while (wanted < items * 2)
            wanted *= 2;
        if (wanted > m_slots.size()) rehash(wanted);
    }

    // The index of the item with this key, if any.
    [[nodiscard]] std::optional<size_t> find(std::string_view key) const {
        if (m_slots.empty()) return std::nullopt;
        const uint32_t hash = identity_hash(key, m_case_sensitive);
        for (size_t at = hash & mask();; at = (at + 1) & mask()) {
            const Slot& slot = m_slots[at];
            if (slot.index_plus_one == 0) return std::nullopt;
            if (slot.hash == hash &&
                same_identity(m_key_of(slot.index_plus_one - 1), key, m_case_sensitive))
                return slot.index_plus_one - 1;
        }
    }

    // Indexes the item at `index` under its key. When an item with the same key is indexed
    // already, it stays (replace false) or gives way (replace true); either way its index is
    // returned.
    std::optional<size_t> insert(size_t index, bool replace) {
        if (index >= UINT32_MAX - 1) throw std::length_error("too many keys for one table");
        if ((m_used + 1) * 2 > m_slots.size()) rehash(std::max<size_t>(16, m_slots.size() * 2));
        return insert_hashed(index, identity_hash(m_key_of(index), m_case_sensitive), replace);
    }

    // insert(i, replace) for each item from 0 to count - 1, in that order, each answer handed
    // to on_each(i, answer). The slots are fetched a few items ahead: one at a time, a million
    // keys' slots were a million cache misses in a row (a table of 16 MB).
    template <class OnEach> void insert_each(size_t count, bool replace, OnEach&& on_each) {
        if (count >= UINT32_MAX - 1) throw std::length_error("too many keys for one table");
        reserve(m_used + count);
        constexpr size_t ahead = 8;
        std::array<uint32_t, ahead> hashes{};
        auto fetch = [&](size_t index) {
            const uint32_t hash = identity_hash(m_key_of(index), m_case_sensitive);
            hashes[index % ahead] = hash;
            __builtin_prefetch(&m_slots[hash & mask()], 1);
        };
        for (size_t i = 0; i < std::min(ahead, count); ++i)
            fetch(i);
        for (size_t i = 0; i < count; ++i) {
            const uint32_t hash = hashes[i % ahead];
            if (i + ahead < count) fetch(i + ahead);
            on_each(i, insert_hashed(i, hash, replace));
        }
    }

    [[nodiscard]] size_t size() const { return m_used; }

  private:
    std::optional<size_t> insert_hashed(size_t index, uint32_t hash, bool replace) {
        const std::string_view key = m_key_of(index);
        for (size_t at = hash & mask();; at = (at + 1) & mask()) {
            Slot& slot = m_slots[at];
            if (slot.index_plus_one == 0) {
                slot = {hash, static_cast<uint32_t>(index + 1)};
                ++m_used;
                return std::nullopt;
            }
            if (slot.hash == hash &&
                same_identity(m_key_of(slot.index_plus_one - 1), key, m_case_sensitive)) {
                const size_t there = slot.index_plus_one - 1;
                if (replace) slot.index_plus_one = static_cast<uint32_t>(index + 1);
                return there;
            }
        }
    }

    struct Slot {
        uint32_t hash = 0;
        uint32_t index_plus_one = 0; // 0: empty
    };

    [[nodiscard]] size_t mask() const { return m_slots.size() - 1; }

    void rehash(size_t slots) {
        std::vector<Slot> old(slots);
        old.swap(m_slots);
        for (const Slot& slot : old) {
            if (slot.index_plus_one == 0) continue;
            size_t at = slot.hash & mask();
            while (m_slots[at].index_plus_one != 0)
                at = (at + 1) & mask();
            m_slots[at] = slot;
        }
    }

    bool m_case_sensitive;
    KeyOf m_key_of;
    std::vector<Slot> m_slots;
    size_t m_used = 0;
};

} // namespace hr2scim::state
