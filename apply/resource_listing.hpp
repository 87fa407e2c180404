#pragma once
// Every resource of one type on the target, read page by page, for targets that cannot be
// asked by filter. A listing is a claim to check: a partial listing must never make someone
// look gone, so anything that does not add up is an error, never a shorter list.
//
// Two ways to page: by index (RFC 7644 §3.4.2.4: startIndex and count, pages adding up to
// totalResults) and by cursor (RFC 9865: an empty `cursor` for the first page, then each
// page's `nextCursor` until a page gives none). A target that ignores startIndex (AWS IAM
// Identity Center: "does not support ... startIndex", ListUsers page) serves the first page
// again and again to a client paging by index: only cursors list it.

#include "scim/scim_client.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace hr2scim::apply {

struct ListingLimits {
    size_t page_size = 100; // resources asked for per page (the target may give fewer)
    // However the target pages, a listing of more pages than this is not finished.
    size_t most_pages = 100'000;
};

struct Listing {
    std::vector<nlohmann::json> resources; // each with a usable id, each id once
    size_t pages = 0;                      // pages read
};

// Every resource of `type`, as `client.paging()` says to page. An error (status 200, a
// detail saying why) when the listing cannot be trusted to be whole: totals that disagree, a
// resource without a usable id, a cursor given twice (the listing would go round), a cursor
// too long or holding a control character, a page with nobody new, too many pages.
[[nodiscard]] scim::CallResult<Listing> list_all(scim::ScimClient& client, scim::ResourceType type,
                                                 const ListingLimits& limits = {});

} // namespace hr2scim::apply
