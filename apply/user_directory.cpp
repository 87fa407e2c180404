#include "apply/user_directory.hpp"

#include "apply/identity.hpp"

#include <set>

namespace hr2scim::apply {
namespace {

// However the target pages, a listing of more pages than this is not finished.
constexpr size_t k_most_pages = 100'000;

scim::CallError untrusted(std::string why) {
    return scim::CallError{200, {}, std::move(why), 1};
}

} // namespace

UserDirectory::UserDirectory(scim::ScimClient& client, size_t page_size)
    : m_client(client), m_page_size(page_size == 0 ? 100 : page_size) {}

std::optional<scim::CallError> UserDirectory::load() {
    std::set<std::string> seen;
    std::optional<size_t> total;
    size_t start = 1;
    while (m_pages < k_most_pages) {
        auto page = m_client.list_users(start, m_page_size);
        ++m_pages;
        if (!page) return page.error();
        if (total && page->total && *page->total != *total)
            return untrusted("the number of users changed while listing them (" +
                             std::to_string(*total) + ", then " + std::to_string(*page->total) +
                             ")");
        if (page->total) total = page->total;
        size_t fresh = 0;
        for (auto& user : page->resources) {
            auto id = usable_id(user);
            if (!id) return untrusted("the list of users holds a user without a usable id");
            if (!seen.insert(*id).second) continue; // a page served again (past the end)
            m_users.push_back(std::move(user));
            ++fresh;
        }
        if (total && m_users.size() >= *total) break;
        // Without a total: a short page or one with nobody new is the end.
        if (!total && (page->resources.size() < m_page_size || fresh == 0)) break;
        if (total && fresh == 0)
            return untrusted("the listing stopped at " + std::to_string(m_users.size()) +
                             " users of the " + std::to_string(*total) + " it announced");
        start += page->resources.size();
    }
    if (total && m_users.size() != *total)
        return untrusted("the listing gave " + std::to_string(m_users.size()) + " users, not the " +
                         std::to_string(*total) + " it announced");
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
