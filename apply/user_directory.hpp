#pragma once
// Every user on the target, listed once per run, for targets that cannot filter (they say
// so, or answer a filtered look-up with users who do not match). The listing is a claim to
// check (apply/resource_listing.hpp): when it does not add up, nothing is concluded from it.

#include "scim/attribute_path.hpp"
#include "scim/scim_client.hpp"

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::apply {

class UserDirectory {
  public:
    // page_size: users asked for per page (the target may cap it lower).
    UserDirectory(scim::ScimClient& client, size_t page_size);

    // The users holding `value` at `path`; the first call lists the target.
    [[nodiscard]] scim::CallResult<std::vector<nlohmann::json>>
    holding(const scim::AttributePath& path, const std::string& value);
    // A user created or taken over in this run, so that later look-ups see it.
    void add(const nlohmann::json& resource);
    [[nodiscard]] size_t pages_read() const { return m_pages; }
    // The target was listed (it cannot filter): add() keeps what is created.
    [[nodiscard]] bool listed() {
        std::lock_guard lock(m_mutex);
        return m_loaded && !m_failed;
    }

  private:
    std::optional<scim::CallError> load();

    scim::ScimClient& m_client;
    size_t m_page_size;
    std::mutex m_mutex;
    bool m_loaded = false;
    std::optional<scim::CallError> m_failed; // the listing could not be trusted
    std::vector<nlohmann::json> m_users;
    size_t m_pages = 0;
};

} // namespace hr2scim::apply
