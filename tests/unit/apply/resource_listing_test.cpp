// The listing of every user of a target that cannot filter, by index and by cursor (RFC 9865):
// a listing that does not add up is an error, never a shorter list.
#include "apply/resource_listing.hpp"
#include "tests/support/fake_transport.hpp"

#include <gtest/gtest.h>
#include <memory>

namespace hr2scim::apply {
namespace {

using hr2scim::testing::FakeTransport;
using hr2scim::testing::Reply;
using nlohmann::json;

json users(int from, int to) {
    json resources = json::array();
    for (int i = from; i < to; ++i)
        resources.push_back({{"id", "u" + std::to_string(i)}, {"userName", std::to_string(i)}});
    return resources;
}

// A cursor page as RFC 9865 and AWS ListUsers shape it: no totalResults, nextCursor but on
// the last page.
json cursor_page(int from, int to, const std::optional<std::string>& next) {
    json page = {{"itemsPerPage", to - from}, {"Resources", users(from, to)}};
    if (next) page["nextCursor"] = *next;
    return page;
}

class ListingTest : public ::testing::Test {
  protected:
    FakeTransport fake;
    scim::ScimClient client{{"test", fake.base_url(), {}, scim::PatchStyle::rfc7644},
                            fake,
                            hr2scim::testing::retry_without_waiting()};

    std::vector<std::string> ids(const Listing& listing) {
        std::vector<std::string> found;
        for (const auto& user : listing.resources)
            found.push_back(user["id"]);
        return found;
    }
};

TEST_F(ListingTest, ByCursorEachPageIsAskedForWithTheCursorThePageBeforeGave) {
    client.use_paging(scim::Paging::cursor);
    fake.on("GET", "/Users?cursor=&count=2", Reply::json(200, cursor_page(0, 2, "a+b/c=")));
    fake.on("GET", "/Users?cursor=a%2Bb%2Fc%3D&count=2",
            Reply::json(200, cursor_page(2, 4, "n:2")));
    fake.on("GET", "/Users?cursor=n%3A2&count=2",
            Reply::json(200, cursor_page(4, 5, std::nullopt)));
    auto listing = list_all(client, scim::ResourceType::user, {2});
    ASSERT_TRUE(listing) << listing.error().describe();
    EXPECT_EQ(ids(*listing), (std::vector<std::string>{"u0", "u1", "u2", "u3", "u4"}));
    EXPECT_EQ(listing->pages, 3U);
    EXPECT_EQ(fake.lines().size(), 3U) << "no startIndex, no page after the last";
}

TEST_F(ListingTest, ByCursorACursorGivenTwiceIsAnErrorNotAShortList) {
    client.use_paging(scim::Paging::cursor);
    fake.on("GET", "/Users?cursor=&count=2", Reply::json(200, cursor_page(0, 2, "x")));
    fake.on("GET", "/Users?cursor=x&count=2", Reply::json(200, cursor_page(2, 4, "x")));
    auto listing = list_all(client, scim::ResourceType::user, {2});
    ASSERT_FALSE(listing);
    EXPECT_NE(listing.error().detail.find("gave the cursor x twice"), std::string::npos)
        << listing.error().detail;
}

TEST_F(ListingTest, ByCursorAListingBeyondTheMostPagesIsAnError) {
    client.use_paging(scim::Paging::cursor);
    fake.on_match(
        "every page leads to another",
        [](const hr2scim::testing::SentRequest& request) {
            return request.path.starts_with("/Users?cursor=");
        },
        [page = std::make_shared<int>(0)](const hr2scim::testing::SentRequest&) {
            const int at = ++*page;
            return Reply::json(200, cursor_page(at * 2, at * 2 + 2, "p" + std::to_string(at)));
        });
    auto listing = list_all(client, scim::ResourceType::user, {2, 5});
    ASSERT_FALSE(listing);
    EXPECT_NE(listing.error().detail.find("did not end within 5 pages"), std::string::npos)
        << listing.error().detail;
    EXPECT_EQ(fake.lines().size(), 5U);
}

TEST_F(ListingTest, ByCursorAPageOfNobodyNewIsNotFollowed) {
    client.use_paging(scim::Paging::cursor);
    fake.on("GET", "/Users?cursor=&count=2", Reply::json(200, cursor_page(0, 2, "1")));
    fake.on("GET", "/Users?cursor=1&count=2", Reply::json(200, cursor_page(0, 2, "2")));
    auto listing = list_all(client, scim::ResourceType::user, {2});
    ASSERT_FALSE(listing);
    EXPECT_NE(listing.error().detail.find("held nobody new"), std::string::npos);
}

TEST_F(ListingTest, ByCursorATotalThePagesDoNotReachIsAnError) {
    client.use_paging(scim::Paging::cursor);
    // A target that ignored the cursor: the non-paginated shape, 2 of the 5 it has.
    fake.on("GET", "/Users?cursor=&count=2",
            Reply::json(200, {{"totalResults", 5}, {"Resources", users(0, 2)}}));
    auto listing = list_all(client, scim::ResourceType::user, {2});
    ASSERT_FALSE(listing);
    EXPECT_NE(listing.error().detail.find("gave 2 users, not the 5"), std::string::npos)
        << listing.error().detail;
}

TEST_F(ListingTest, ByCursorACursorWithAControlCharacterIsNotSent) {
    client.use_paging(scim::Paging::cursor);
    fake.on("GET", "/Users?cursor=&count=2", Reply::json(200, cursor_page(0, 2, "a\r\nb")));
    auto listing = list_all(client, scim::ResourceType::user, {2});
    ASSERT_FALSE(listing);
    EXPECT_EQ(fake.lines().size(), 1U);
}

TEST_F(ListingTest, ByIndexATargetThatIgnoresStartIndexIsAnErrorNotAShortList) {
    // AWS IAM Identity Center without a cursor: the first page, whatever startIndex says.
    fake.on_prefix("GET", "/Users?startIndex=",
                   Reply::json(200, {{"totalResults", 5}, {"Resources", users(0, 2)}}));
    auto listing = list_all(client, scim::ResourceType::user, {2});
    ASSERT_FALSE(listing);
    EXPECT_NE(listing.error().detail.find("stopped at 2 users of the 5"), std::string::npos)
        << listing.error().detail;
}

TEST_F(ListingTest, ByIndexPagesAddUpToTheTotal) {
    fake.on("GET", "/Users?startIndex=1&count=2",
            Reply::json(200, {{"totalResults", 3}, {"Resources", users(0, 2)}}));
    fake.on("GET", "/Users?startIndex=3&count=2",
            Reply::json(200, {{"totalResults", 3}, {"Resources", users(2, 3)}}));
    auto listing = list_all(client, scim::ResourceType::user, {2});
    ASSERT_TRUE(listing) << listing.error().describe();
    EXPECT_EQ(ids(*listing), (std::vector<std::string>{"u0", "u1", "u2"}));
}

TEST_F(ListingTest, GroupsAreListedTheSameWay) {
    client.use_paging(scim::Paging::cursor);
    fake.on("GET", "/Groups?cursor=&count=2", Reply::json(200, cursor_page(0, 1, std::nullopt)));
    auto listing = list_all(client, scim::ResourceType::group, {2});
    ASSERT_TRUE(listing) << listing.error().describe();
    EXPECT_EQ(listing->resources.size(), 1U);
}

} // namespace
} // namespace hr2scim::apply
