#include "apply/resource_listing.hpp"

#include "apply/identity.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace hr2scim::apply {
namespace {

// A cursor is sent back in a URL: one longer than this, or holding anything but printable
// ASCII, is refused rather than sent (as next links and tokens are).
constexpr size_t k_longest_cursor = 4096;

scim::CallError untrusted(std::string why) {
    return scim::CallError{200, {}, std::move(why), 1};
}

bool sendable_cursor(const std::string& cursor) {
    return cursor.size() <= k_longest_cursor &&
           std::all_of(cursor.begin(), cursor.end(), [](char c) { return c > ' ' && c < '\x7f'; });
}

// What the pages gave so far: each resource once, by id.
class Gathered {
  public:
    explicit Gathered(scim::ResourceType type) : m_type(type) {}

    // Adds a page's resources; how many were new, or why the page cannot be used.
    scim::CallResult<size_t> add(std::vector<nlohmann::json>& resources) {
        size_t fresh = 0;
        for (auto& resource : resources) {
            auto id = usable_id(resource);
            if (!id)
                return tl::unexpected(
                    untrusted("the list of " + plural() + " holds one without a usable id"));
            if (!m_seen.insert(*id).second) continue; // a page served again
            m_listing.resources.push_back(std::move(resource));
            ++fresh;
        }
        return fresh;
    }

    // The total the pages announce must not change while listing.
    std::optional<scim::CallError> announce(std::optional<size_t> total) {
        if (!total) return std::nullopt;
        if (m_total && *m_total != *total)
            return untrusted("the number of " + plural() + " changed while listing them (" +
                             std::to_string(*m_total) + ", then " + std::to_string(*total) + ")");
        m_total = total;
        return std::nullopt;
    }

    [[nodiscard]] std::optional<size_t> total() const { return m_total; }
    [[nodiscard]] size_t size() const { return m_listing.resources.size(); }
    [[nodiscard]] std::string plural() const { return std::string(scim::type_name(m_type)) + "s"; }

    // The listing, when it holds what the target announced.
    scim::CallResult<Listing> finish(size_t pages) {
        if (m_total && size() != *m_total)
            return tl::unexpected(untrusted("the listing gave " + std::to_string(size()) + " " +
                                            plural() + ", not the " + std::to_string(*m_total) +
                                            " it announced"));
        m_listing.pages = pages;
        return std::move(m_listing);
    }

  private:
    scim::ResourceType m_type;
    std::set<std::string> m_seen;
    std::optional<size_t> m_total;
    Listing m_listing;
};

scim::CallResult<Listing> by_index(scim::ScimClient& client, scim::ResourceType type,
                                   const ListingLimits& limits) {
    Gathered gathered(type);
    size_t start = 1;
    size_t pages = 0;
    while (pages < limits.most_pages) {
        auto page = client.list_page(type, {limits.page_size, start, std::nullopt});
        ++pages;
        if (!page) return tl::unexpected(page.error());
        if (auto changed = gathered.announce(page->total)) return tl::unexpected(*changed);
        auto fresh = gathered.add(page->resources);
        if (!fresh) return tl::unexpected(fresh.error());
        const auto total = gathered.total();
        if (total && gathered.size() >= *total) break;
        // Without a total: a short page or one with nobody new is the end.
        if (!total && (page->resources.size() < limits.page_size || *fresh == 0)) break;
        // A target that ignores startIndex serves its first page again (AWS, ListUsers page).
        if (total && *fresh == 0)
            return tl::unexpected(untrusted(
                "the listing stopped at " + std::to_string(gathered.size()) + " " +
                gathered.plural() + " of the " + std::to_string(*total) + " it announced"));
        start += page->resources.size();
    }
    return gathered.finish(pages);
}

// RFC 9865 §2: the first page with an empty cursor, each later one with the nextCursor of
// the page before; a page without nextCursor is the last. The cursor is the only sign of the
// end, so one given twice would go round for ever and ends the listing as untrusted.
scim::CallResult<Listing> by_cursor(scim::ScimClient& client, scim::ResourceType type,
                                    const ListingLimits& limits) {
    Gathered gathered(type);
    std::set<std::string> cursors{""};
    std::string cursor;
    for (size_t pages = 1; pages <= limits.most_pages; ++pages) {
        auto page = client.list_page(type, {limits.page_size, std::nullopt, cursor});
        if (!page) return tl::unexpected(page.error());
        if (auto changed = gathered.announce(page->total)) return tl::unexpected(*changed);
        auto fresh = gathered.add(page->resources);
        if (!fresh) return tl::unexpected(fresh.error());
        if (!page->next_cursor || page->next_cursor->empty()) return gathered.finish(pages);
        if (!sendable_cursor(*page->next_cursor))
            return tl::unexpected(untrusted(
                "the listing's nextCursor is too long or holds characters a URL cannot carry"));
        if (!cursors.insert(*page->next_cursor).second)
            return tl::unexpected(untrusted("the target gave the cursor " + *page->next_cursor +
                                            " twice; listing on would go round (after " +
                                            std::to_string(gathered.size()) + " " +
                                            gathered.plural() + ")"));
        if (*fresh == 0 && !page->resources.empty())
            return tl::unexpected(untrusted("a page of the listing held nobody new after " +
                                            std::to_string(gathered.size()) + " " +
                                            gathered.plural() + "; it is not followed further"));
        cursor = *page->next_cursor;
    }
    return tl::unexpected(untrusted("the listing of " + gathered.plural() + " did not end within " +
                                    std::to_string(limits.most_pages) + " pages"));
}

} // namespace

scim::CallResult<Listing> list_all(scim::ScimClient& client, scim::ResourceType type,
                                   const ListingLimits& limits) {
    ListingLimits checked = limits;
    checked.page_size = std::max<size_t>(1, checked.page_size);
    return client.paging() == scim::Paging::cursor ? by_cursor(client, type, checked)
                                                   : by_index(client, type, checked);
}

} // namespace hr2scim::apply
