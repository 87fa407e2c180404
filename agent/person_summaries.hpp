#pragma once
// What validate keeps of each mapped person, and nothing more: its key, where it came from,
// its manager's key and the groups it holds, packed into one arena (about 30 bytes a person
// where a scim::DesiredResource takes 300 and its body more). Validate of 10,000,000 rows
// streams in a few hundred MB; the checks on keys are the same as on mapped people, and so is
// every message they give.

#include "connectors/record.hpp"
#include "scim/desired_resource.hpp"
#include "state/planner.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hr2scim::agent {

class PersonSummaries {
  public:
    struct Person {
        std::string_view key;
        std::string origin;
        std::optional<std::string_view> manager_key;
        std::vector<uint32_t> groups; // into memberships(); only of people who hold groups
    };

    // Keeps what validate needs of `person`; the person itself can go.
    void add(const scim::DesiredResource& person);

    // People added, those removed included; a removed one is still readable.
    [[nodiscard]] size_t added() const { return m_at.size(); }
    [[nodiscard]] size_t size() const { return m_at.size() - m_removed; }
    [[nodiscard]] bool removed(size_t index) const;
    void remove(size_t index);

    [[nodiscard]] std::string_view key(size_t index) const;
    [[nodiscard]] std::optional<std::string_view> manager_key(size_t index) const;
    [[nodiscard]] Person person(size_t index) const;
    // About the memory the summaries take (their arena and its index; not the tables of groups).
    [[nodiscard]] size_t bytes() const {
        return m_chunks.size() * (size_t{1} << 20) + m_at.capacity() * sizeof(uint32_t);
    }
    [[nodiscard]] const std::vector<scim::GroupMembership>& memberships() const {
        return m_memberships;
    }

  private:
    [[nodiscard]] const char* at(size_t index) const;
    char* place_next(size_t bytes); // room for the next person, indexed
    uint32_t origin_prefix(std::string_view prefix);
    uint32_t membership(const scim::GroupMembership& group);

    std::vector<std::unique_ptr<char[]>> m_chunks;
    size_t m_chunk_used = 0;
    size_t m_chunk_size = 0;
    std::vector<uint32_t> m_at; // chunk << 20 | offset, in the order people were added
    size_t m_removed = 0;
    // "hr.csv:12" is kept as the prefix's number and 12.
    std::vector<std::string> m_prefixes;
    std::unordered_map<std::string, uint32_t> m_prefix_numbers;
    std::vector<scim::GroupMembership> m_memberships;
    std::unordered_map<std::string, uint32_t> m_membership_numbers;
    std::string m_encoded; // the person being added, before it is placed
};

// "hr.csv:9" before "hr.csv:10".
[[nodiscard]] bool earlier_origin(std::string_view a, std::string_view b);

// Why records whose keys differ only in case or surrounding spaces are rejected; `keys` lists
// them ("E1 (hr.csv:2), e1 (hr.csv:3)").
[[nodiscard]] std::string same_identity_reason(const std::string& keys);

// The checks read_and_map makes on mapped people, made on their summaries, with the same
// results in the same order: a key that came more than once, counting the mapping's rejections
// from `first_mapping_rejection` on, rejects all its records; then keys that are one identity.
void reject_repeated_keys(PersonSummaries& people, std::vector<connectors::Rejection>& rejections,
                          size_t first_mapping_rejection);
void reject_same_identity(PersonSummaries& people, std::vector<connectors::Rejection>& rejections,
                          bool case_sensitive);

// state::unknown_managers, of summaries.
[[nodiscard]] std::vector<state::RejectedLink>
unknown_managers(const PersonSummaries& people, const std::vector<state::StoredResource>& stored,
                 bool case_sensitive_keys);

} // namespace hr2scim::agent
