#pragma once
// Identity is verified, never assumed. A look-up result is used only when it holds the value
// searched for; an account is adopted only when no other source key owns it.

#include "scim/attribute_path.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::apply {

// The id a target gave, if it can be one: a non-empty string of printable characters (or a
// number, which some targets use).
[[nodiscard]] std::optional<std::string> usable_id(const nlohmann::json& resource);

// Whether `resource` holds `value` at the top-level `attribute`, compared as RFC 7643 says:
// userName ignoring case (caseExact false), externalId exactly.
[[nodiscard]] bool holds_value(const nlohmann::json& resource, std::string_view attribute,
                               std::string_view value);

// Whether `resource` holds `value` at `path` (a sub-attribute or an extension's attribute
// compared exactly; a top-level one as holds_value compares it).
[[nodiscard]] bool holds_at(const nlohmann::json& resource, const scim::AttributePath& path,
                            const std::string& value);

// Which source key owns each SCIM id, as the state says, and how keys compare.
class AccountOwners {
  public:
    AccountOwners(std::map<std::string, std::string> key_by_id, bool case_sensitive_keys)
        : m_key_by_id(std::move(key_by_id)), m_case_sensitive(case_sensitive_keys) {}

    // Why the account `resource` (id `id`) must not become `key`'s, or nothing.
    [[nodiscard]] std::optional<std::string> adoption_problem(const nlohmann::json& resource,
                                                              const std::string& id,
                                                              const std::string& key) const;
    void claim(const std::string& id, const std::string& key) { m_key_by_id[id] = key; }
    void release(const std::string& id) { m_key_by_id.erase(id); }
    [[nodiscard]] bool same_key(std::string_view a, std::string_view b) const;
    [[nodiscard]] std::string id_of(std::string_view key) const;
    // The key that owns the account `id`, if one does.
    [[nodiscard]] std::optional<std::string> key_of(const std::string& id) const {
        auto found = m_key_by_id.find(id);
        if (found == m_key_by_id.end()) return std::nullopt;
        return found->second;
    }

  private:
    std::map<std::string, std::string> m_key_by_id;
    bool m_case_sensitive;
};

} // namespace hr2scim::apply
