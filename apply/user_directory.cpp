#include "apply/user_directory.hpp"

#include "apply/identity.hpp"
#include "apply/resource_listing.hpp"

namespace hr2scim::apply {

UserDirectory::UserDirectory(scim::ScimClient& client, size_t page_size)
    : m_client(client), m_page_size(page_size == 0 ? 100 : page_size) {}

// By index or by cursor, as the target's profile says (apply/resource_listing.hpp).
std::optional<scim::CallError> UserDirectory::load() {
    auto listing = list_all(m_client, scim::ResourceType::user, {m_page_size});
    if (!listing) return listing.error();
    m_pages = listing->pages;
    m_users = std::move(listing->resources);
    return std::nullopt;
}

scim::CallResult<std::vector<nlohmann::json>>
UserDirectory::holding(const scim::AttributePath& path, const std::string& value) {
    std::lock_guard lock(m_mutex);
    if (!m_loaded) {
        m_failed = load();
        m_loaded = true;
    }
    if (m_failed) {
        scim::CallError error = *m_failed;
        error.detail = "listing the target's users (it cannot filter): " + error.detail;
        return tl::unexpected(error);
    }
    std::vector<nlohmann::json> found;
    for (const auto& user : m_users)
        if (holds_at(user, path, value)) found.push_back(user);
    return found;
}

void UserDirectory::add(const nlohmann::json& resource) {
    std::lock_guard lock(m_mutex);
    if (!m_loaded || m_failed) return;
    auto id = usable_id(resource);
    if (!id) return;
    for (auto& user : m_users)
        if (usable_id(user) == id) {
            user = resource;
            return;
        }
    m_users.push_back(resource);
}

} // namespace hr2scim::apply
