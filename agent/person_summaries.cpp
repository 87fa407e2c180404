#include "agent/person_summaries.hpp"

#include "connectors/source_support.hpp"
#include "state/group_plan.hpp"
#include "state/source_key.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>

namespace hr2scim::agent {
namespace {

// A person in the arena: a flags byte, then the key, the manager's key, the origin (as text, or
// as its prefix's number and its line) and the groups, each length and number a varint.
constexpr uint8_t k_has_manager = 1;
constexpr uint8_t k_numbered_origin = 2;
constexpr uint8_t k_has_groups = 4;
constexpr uint8_t k_removed = 8;
constexpr size_t k_offset_bits = 20; // chunks of 1 MiB, at most 4096 of them
constexpr size_t k_most_prefixes = 4096;

void put_number(std::string& out, uint64_t number) {
    for (; number >= 0x80; number >>= 7)
        out += static_cast<char>((number & 0x7f) | 0x80);
    out += static_cast<char>(number);
}

void put_text(std::string& out, std::string_view text) {
    put_number(out, text.size());
    out += text;
}

uint64_t number_at(const char*& at) {
    uint64_t number = 0;
    for (unsigned shift = 0;; shift += 7) {
        const auto byte = static_cast<uint8_t>(*at++);
        number |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) return number;
    }
}

std::string_view text_at(const char*& at) {
    const auto size = number_at(at);
    std::string_view text(at, size);
    at += size;
    return text;
}

// The line of "hr.csv:12", when the origin is written back the same from the prefix and it.
std::optional<uint64_t> line_of(std::string_view origin, size_t colon) {
    const auto digits = origin.substr(colon + 1);
    if (digits.empty() || digits.size() > 18 || (digits[0] == '0' && digits.size() > 1))
        return std::nullopt;
    uint64_t line = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), line);
    if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return line;
}

// identity_key(a) <=> identity_key(b), as std::string compares them, without making either.
int compare_identity(std::string_view a, std::string_view b, bool case_sensitive) {
    a = state::trimmed_key(a);
    b = state::trimmed_key(b);
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        const auto x = static_cast<unsigned char>(state::identity_char(a[i], case_sensitive));
        const auto y = static_cast<unsigned char>(state::identity_char(b[i], case_sensitive));
        if (x != y) return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

std::vector<uint32_t> living(const PersonSummaries& people) {
    std::vector<uint32_t> out;
    out.reserve(people.size());
    for (size_t i = 0; i < people.added(); ++i)
        if (!people.removed(i)) out.push_back(static_cast<uint32_t>(i));
    return out;
}

// Sorted with ties in the order people came (a stable sort), quickly when sorted already.
template <class Less> void sort_people(std::vector<uint32_t>& indexes, Less less) {
    if (!std::ranges::is_sorted(indexes, less)) std::ranges::sort(indexes, less);
}

} // namespace

const char* PersonSummaries::at(size_t index) const {
    const uint32_t at = m_at.at(index);
    return m_chunks[at >> k_offset_bits].get() + (at & ((1U << k_offset_bits) - 1));
}

char* PersonSummaries::place_next(size_t bytes) {
    if (m_chunks.empty() || m_chunk_used + bytes > m_chunk_size) {
        if (m_chunks.size() >= (size_t{1} << (32 - k_offset_bits)))
            throw std::length_error("too many people for validate's summaries");
        m_chunk_size = std::max(size_t{1} << k_offset_bits, bytes);
        m_chunks.push_back(std::make_unique_for_overwrite<char[]>(m_chunk_size));
        m_chunk_used = 0;
    }
    m_at.push_back(static_cast<uint32_t>(((m_chunks.size() - 1) << k_offset_bits) | m_chunk_used));
    char* out = m_chunks.back().get() + m_chunk_used;
    m_chunk_used += bytes;
    return out;
}

uint32_t PersonSummaries::origin_prefix(std::string_view prefix) {
    if (!m_prefixes.empty() && m_prefixes.back() == prefix)
        return static_cast<uint32_t>(m_prefixes.size() - 1);
    if (auto found = m_prefix_numbers.find(std::string(prefix)); found != m_prefix_numbers.end())
        return found->second;
    if (m_prefixes.size() >= k_most_prefixes) return UINT32_MAX; // kept as text
    m_prefixes.emplace_back(prefix);
    return m_prefix_numbers.emplace(prefix, m_prefixes.size() - 1).first->second;
}

uint32_t PersonSummaries::membership(const scim::GroupMembership& group) {
    std::string identity = group.key + '\0' + group.display_name + '\0' + group.external_id + '\0' +
                           group.rule + '\0' + group.extension.dump();
    auto [found, added] = m_membership_numbers.try_emplace(
        std::move(identity), static_cast<uint32_t>(m_memberships.size()));
    if (added) m_memberships.push_back(group);
    return found->second;
}

void PersonSummaries::add(const scim::DesiredResource& person) {
    auto& encoded = m_encoded;
    encoded.assign(1, '\0');
    uint8_t flags = 0;
    put_text(encoded, person.key);
    if (person.manager_key) {
        flags |= k_has_manager;
        put_text(encoded, *person.manager_key);
    }
    const std::string_view origin = person.origin;
    const auto colon = origin.rfind(':');
    const auto line = colon == std::string_view::npos ? std::nullopt : line_of(origin, colon);
    const uint32_t prefix = line ? origin_prefix(origin.substr(0, colon)) : UINT32_MAX;
    if (prefix != UINT32_MAX) {
        flags |= k_numbered_origin;
        put_number(encoded, prefix);
        put_number(encoded, *line);
    } else {
        put_text(encoded, origin);
    }
    if (state::holds_groups(person) && !person.groups.empty()) {
        flags |= k_has_groups;
        put_number(encoded, person.groups.size());
        for (const auto& group : person.groups)
            put_number(encoded, membership(group));
    }
    encoded[0] = static_cast<char>(flags);
    std::memcpy(place_next(encoded.size()), encoded.data(), encoded.size());
}

bool PersonSummaries::removed(size_t index) const {
    return (static_cast<uint8_t>(*at(index)) & k_removed) != 0;
}

void PersonSummaries::remove(size_t index) {
    if (removed(index)) return;
    auto* flags = const_cast<char*>(at(index)); // NOLINT(cppcoreguidelines-pro-type-const-cast)
    *flags = static_cast<char>(static_cast<uint8_t>(*flags) | k_removed);
    ++m_removed;
}

std::string_view PersonSummaries::key(size_t index) const {
    const char* cursor = at(index) + 1;
    return text_at(cursor);
}

std::optional<std::string_view> PersonSummaries::manager_key(size_t index) const {
    const char* cursor = at(index);
    const auto flags = static_cast<uint8_t>(*cursor++);
    if ((flags & k_has_manager) == 0) return std::nullopt;
    (void)text_at(cursor);
    return text_at(cursor);
}

PersonSummaries::Person PersonSummaries::person(size_t index) const {
    const char* cursor = at(index);
    const auto flags = static_cast<uint8_t>(*cursor++);
    Person out;
    out.key = text_at(cursor);
    if (flags & k_has_manager) out.manager_key = text_at(cursor);
    if (flags & k_numbered_origin) {
        const auto prefix = number_at(cursor);
        out.origin = m_prefixes[prefix] + ':' + std::to_string(number_at(cursor));
    } else {
        out.origin = text_at(cursor);
    }
    if (flags & k_has_groups)
        for (auto count = number_at(cursor); count > 0; --count)
            out.groups.push_back(static_cast<uint32_t>(number_at(cursor)));
    return out;
}

bool earlier_origin(std::string_view a, std::string_view b) {
    auto split = [](std::string_view origin) {
        auto colon = origin.rfind(':');
        size_t line = 0;
        if (colon != std::string_view::npos)
            std::from_chars(origin.data() + colon + 1, origin.data() + origin.size(), line);
        return std::pair(origin.substr(0, colon), line);
    };
    return split(a) < split(b);
}

std::string same_identity_reason(const std::string& keys) {
    return "keys " + keys +
           " are one key (compared ignoring case and "
           "surrounding spaces; source.case_sensitive_keys says otherwise)";
}

void reject_repeated_keys(PersonSummaries& people, std::vector<connectors::Rejection>& rejections,
                          size_t first_mapping_rejection) {
    const auto from = rejections.begin() + static_cast<std::ptrdiff_t>(first_mapping_rejection);
    std::set<std::string, std::less<>> repeated;
    {
        auto by_key = living(people);
        sort_people(by_key, [&](uint32_t a, uint32_t b) {
            const auto x = people.key(a);
            const auto y = people.key(b);
            return x != y ? x < y : a < b;
        });
        std::vector<std::string_view> rejected;
        for (auto rejection = from; rejection != rejections.end(); ++rejection)
            rejected.emplace_back(rejection->key);
        std::ranges::sort(rejected);
        for (size_t i = 1; i < by_key.size(); ++i)
            if (people.key(by_key[i]) == people.key(by_key[i - 1]) &&
                !people.key(by_key[i]).empty())
                repeated.emplace(people.key(by_key[i]));
        for (size_t i = 0; i < rejected.size(); ++i) {
            if (rejected[i].empty()) continue;
            const bool twice = i > 0 && rejected[i] == rejected[i - 1];
            if (twice || std::ranges::binary_search(by_key, rejected[i], {}, [&](uint32_t index) {
                    return people.key(index);
                }))
                repeated.emplace(rejected[i]);
        }
    }
    if (repeated.empty()) return;
    std::map<std::string, std::vector<std::string>, std::less<>> origins;
    for (size_t i = 0; i < people.added(); ++i)
        if (!people.removed(i) && repeated.contains(people.key(i)))
            origins[std::string(people.key(i))].push_back(people.person(i).origin);
    for (auto rejection = from; rejection != rejections.end(); ++rejection)
        if (repeated.contains(rejection->key)) origins[rejection->key].push_back(rejection->origin);
    std::vector<connectors::Rejection> found;
    for (auto& [key, where] : origins) {
        std::ranges::sort(where, earlier_origin);
        for (const auto& origin : where)
            found.push_back({origin, key, connectors::repeated_key_reason(key, where)});
    }
    for (size_t i = 0; i < people.added(); ++i)
        if (repeated.contains(people.key(i))) people.remove(i);
    rejections.erase(std::remove_if(from, rejections.end(),
                                    [&](const auto& r) { return repeated.contains(r.key); }),
                     rejections.end());
    std::ranges::move(found, std::back_inserter(rejections));
}

void reject_same_identity(PersonSummaries& people, std::vector<connectors::Rejection>& rejections,
                          bool case_sensitive) {
    auto by_identity = living(people);
    auto compare = [&](uint32_t a, uint32_t b) {
        return compare_identity(people.key(a), people.key(b), case_sensitive);
    };
    sort_people(by_identity, [&](uint32_t a, uint32_t b) {
        const int order = compare(a, b);
        return order != 0 ? order < 0 : a < b;
    });
    std::vector<uint32_t> rejected;
    for (size_t begin = 0, end = 0; begin < by_identity.size(); begin = end) {
        end = begin + 1;
        while (end < by_identity.size() && compare(by_identity[end], by_identity[begin]) == 0)
            ++end;
        if (end - begin < 2) continue;
        std::string keys;
        for (size_t i = begin; i < end; ++i) {
            const auto person = people.person(by_identity[i]);
            keys +=
                (keys.empty() ? "" : ", ") + std::string(person.key) + " (" + person.origin + ")";
        }
        const auto reason = same_identity_reason(keys);
        for (size_t i = begin; i < end; ++i) {
            const auto person = people.person(by_identity[i]);
            rejections.push_back({person.origin, std::string(person.key), reason});
            rejected.push_back(by_identity[i]);
        }
    }
    for (auto index : rejected)
        people.remove(index);
}

std::vector<state::RejectedLink> unknown_managers(const PersonSummaries& people,
                                                  const std::vector<state::StoredResource>& stored,
                                                  bool case_sensitive_keys) {
    auto by_identity = living(people);
    sort_people(by_identity, [&](uint32_t a, uint32_t b) {
        return compare_identity(people.key(a), people.key(b), case_sensitive_keys) < 0;
    });
    std::vector<std::string> known;
    for (const auto& resource : stored)
        if (!resource.scim_id.empty())
            known.push_back(state::identity_key(resource.key, case_sensitive_keys));
    std::ranges::sort(known);
    std::vector<uint32_t> managed; // people with a manager, by their manager's identity
    for (auto index : by_identity)
        if (people.manager_key(index)) managed.push_back(index);
    auto less = [&](std::string_view a, std::string_view b) {
        return compare_identity(a, b, case_sensitive_keys) < 0;
    };
    sort_people(managed, [&](uint32_t a, uint32_t b) {
        return less(*people.manager_key(a), *people.manager_key(b));
    });
    // Both in identity order: one walk finds each manager among the people.
    std::vector<uint32_t> unknown;
    size_t at = 0;
    for (auto index : managed) {
        const auto manager = *people.manager_key(index);
        while (at < by_identity.size() && less(people.key(by_identity[at]), manager))
            ++at;
        const bool person =
            at < by_identity.size() &&
            compare_identity(people.key(by_identity[at]), manager, case_sensitive_keys) == 0;
        if (!person && !std::ranges::binary_search(known, manager, less)) unknown.push_back(index);
    }
    std::ranges::sort(unknown);
    std::vector<state::RejectedLink> links;
    for (auto index : unknown) {
        auto person = people.person(index);
        links.push_back({std::string(person.key), person.origin, std::string(*person.manager_key)});
    }
    return links;
}

} // namespace hr2scim::agent
