#include "scim/scim_client.hpp"
#include "tests/support/fake_transport.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

using nlohmann::json;
using testing::FakeTransport;
using testing::Reply;

class ScimClientTest : public ::testing::Test {
  protected:
    FakeTransport fake;
    ScimClient client{{"test", fake.base_url() + "/", {}, PatchStyle::rfc7644},
                      fake,
                      testing::retry_without_waiting()};
};

TEST(ResourceType, OneTableNamesEachCollection) {
    EXPECT_EQ(endpoint(ResourceType::user), "/Users");
    EXPECT_EQ(endpoint(ResourceType::group), "/Groups");
    EXPECT_EQ(type_name(ResourceType::user), "user");
    EXPECT_EQ(type_name(ResourceType::group), "group");
}

TEST(ResourceType, IdsAreReadFromTheLocationOfEitherCollection) {
    EXPECT_EQ(id_in_location(ResourceType::user, "https://t/scim/v2/Users/a%2Fb"), "a/b");
    EXPECT_EQ(id_in_location(ResourceType::group, "https://t/scim/v2/Groups/g-1"), "g-1");
    EXPECT_EQ(id_in_location(ResourceType::group, "https://t/scim/v2/Users/u-1"), std::nullopt);
    EXPECT_EQ(id_in_location(ResourceType::user, "https://t/scim/v2/Users/u-1/x"), std::nullopt);
    EXPECT_EQ(id_in_location(ResourceType::user, "https://t/scim/v2/Users/"), std::nullopt);
    EXPECT_EQ(id_in_location(ResourceType::user, "https://t/scim/v2/Users/u-2"), "u-2");
}

TEST_F(ScimClientTest, TypedCallsUseTheCollectionOfTheirType) {
    fake.on_prefix("GET", "/", Reply::json(200, {{"id", "x"}}));
    fake.on_prefix("PUT", "/", Reply::json(200, {{"id", "x"}}));
    fake.on_prefix("PATCH", "/", Reply::empty(204));
    fake.on_prefix("DELETE", "/", Reply::empty(204));
    fake.on_prefix("POST", "/", Reply::json(201, {{"id", "x"}}));
    for (auto type : {ResourceType::user, ResourceType::group}) {
        ASSERT_TRUE(client.create(type, {{"displayName", "a"}}));
        ASSERT_TRUE(client.get(type, "x"));
        ASSERT_TRUE(client.replace(type, "x", {{"displayName", "b"}}));
        ASSERT_TRUE(client.patch(type, "x", {{"replace", "displayName", json("c")}}));
        ASSERT_TRUE(client.remove(type, "x"));
    }
    EXPECT_EQ(fake.lines(), (std::vector<std::string>{
                                "POST /Users", "GET /Users/x", "PUT /Users/x", "PATCH /Users/x",
                                "DELETE /Users/x", "POST /Groups", "GET /Groups/x", "PUT /Groups/x",
                                "PATCH /Groups/x", "DELETE /Groups/x"}));
    EXPECT_TRUE(fake.unanswered().empty());
}

TEST_F(ScimClientTest, GroupCallsLookUpsAndVersionsAreSentAsTheTableSays) {
    fake.on_prefix("GET", "/", Reply::json(200, {{"Resources", json::array()}}));
    fake.on_prefix("POST", "/", Reply::json(201, {{"id", "x"}}));
    fake.on_prefix("PATCH", "/", Reply::empty(204));
    fake.on_prefix("DELETE", "/", Reply::empty(204));
    ASSERT_TRUE(client.create(ResourceType::group, {{"displayName", "g"}}));
    ASSERT_TRUE(client.patch(ResourceType::group, "g1", {}));
    ASSERT_TRUE(client.remove(ResourceType::group, "g1"));
    ASSERT_TRUE(client.find(ResourceType::group, "displayName eq \"g\""));
    ASSERT_TRUE(client.find(ResourceType::user, "userName eq \"a\""));
    ASSERT_TRUE(client.remove(ResourceType::user, "u1", "W/\"3\""));
    const auto sent = fake.requests();
    ASSERT_EQ(sent.size(), 6U);
    EXPECT_EQ(sent[0].line(), "POST /Groups");
    EXPECT_EQ(sent[1].line(), "PATCH /Groups/g1");
    EXPECT_EQ(sent[2].line(), "DELETE /Groups/g1");
    EXPECT_EQ(sent[3].line(), "GET /Groups?filter=displayName%20eq%20%22g%22&count=10");
    EXPECT_EQ(sent[4].line(), "GET /Users?filter=userName%20eq%20%22a%22&count=10");
    EXPECT_EQ(sent[5].header("If-Match"), "W/\"3\"");
}

TEST_F(ScimClientTest, IdsAreUrlEncodedInThePath) {
    fake.on_prefix("GET", "/Users/", Reply::json(200, {{"id", "a/b c"}}));
    ASSERT_TRUE(client.get(ResourceType::user, "a/b c?d"));
    ASSERT_EQ(fake.requests().size(), 1U);
    EXPECT_EQ(fake.requests()[0].path, "/Users/a%2Fb%20c%3Fd");
}

TEST_F(ScimClientTest, RequestsCarryTheScimMediaTypeAndIfMatchOnlyWhenGiven) {
    fake.on_prefix("PUT", "/Users/", Reply::json(200, {{"id", "u1"}}));
    ASSERT_TRUE(client.replace(ResourceType::user, "u1", {{"userName", "a"}}, "W/\"1\""));
    ASSERT_TRUE(client.replace(ResourceType::user, "u1", {{"userName", "a"}}));
    const auto sent = fake.requests();
    ASSERT_EQ(sent.size(), 2U);
    EXPECT_EQ(sent[0].header("Content-Type"), "application/scim+json");
    EXPECT_EQ(sent[0].header("Accept"), "application/scim+json");
    EXPECT_EQ(sent[0].header("If-Match"), "W/\"1\"");
    EXPECT_EQ(sent[1].header("If-Match"), std::nullopt);
    EXPECT_EQ(sent[0].json(), json({{"userName", "a"}}));
}

TEST_F(ScimClientTest, TheEtagBecomesMetaVersionUnlessTheBodySaysIt) {
    fake.on("GET", "/Users/u1", Reply::json(200, {{"id", "u1"}}, {{"etag", "W/\"7\""}}));
    fake.on("GET", "/Groups/g1",
            Reply::json(200, {{"id", "g1"}, {"meta", {{"version", "W/\"9\""}}}},
                        {{"etag", "W/\"8\""}}));
    auto user = client.get(ResourceType::user, "u1");
    auto group = client.get(ResourceType::group, "g1");
    ASSERT_TRUE(user && group);
    EXPECT_EQ((*user)["meta"]["version"], "W/\"7\"");
    EXPECT_EQ((*group)["meta"]["version"], "W/\"9\"");
}

TEST_F(ScimClientTest, ACreateAnsweredWithoutABodyIsReadBackFromItsLocation) {
    fake.on("POST", "/Users", Reply::empty(201, {{"location", fake.base_url() + "/Users/u%201"}}));
    fake.on("GET", "/Users/u%201", Reply::json(200, {{"id", "u 1"}, {"userName", "a"}}));
    fake.on("POST", "/Groups", Reply::empty(201, {{"location", fake.base_url() + "/Groups/g1"}}));
    fake.on("GET", "/Groups/g1", Reply::json(200, {{"id", "g1"}, {"displayName", "G"}}));
    auto user = client.create(ResourceType::user, {{"userName", "a"}});
    auto group = client.create(ResourceType::group, {{"displayName", "G"}});
    ASSERT_TRUE(user && group);
    EXPECT_EQ((*user)["id"], "u 1");
    EXPECT_EQ((*group)["id"], "g1");
    EXPECT_EQ(fake.lines(), (std::vector<std::string>{"POST /Users", "GET /Users/u%201",
                                                      "POST /Groups", "GET /Groups/g1"}));
}

TEST_F(ScimClientTest, ALocationInAnotherCollectionIsNotReadBack) {
    fake.on("POST", "/Groups", Reply::empty(201, {{"location", fake.base_url() + "/Users/u1"}}));
    auto group = client.create(ResourceType::group, {{"displayName", "G"}});
    ASSERT_TRUE(group);
    EXPECT_EQ(*group, json::object());
    EXPECT_EQ(fake.lines(), std::vector<std::string>{"POST /Groups"});
}

TEST_F(ScimClientTest, FindReadsAListResponseOrABareListAndRefusesAnythingElse) {
    fake.on_prefix("GET", "/Users?", Reply::json(200, {{"Resources", {{{"id", "u1"}}}}}), 1);
    fake.on_prefix("GET", "/Users?", Reply::json(200, json::array({{{"id", "u2"}}})), 1);
    fake.on_prefix("GET", "/Users?", Reply::json(200, {{"totalResults", 0}}), 1);
    fake.on_prefix("GET", "/Users?", Reply::json(200, {{"something", "else"}}), 1);
    auto listed = client.find(ResourceType::user, "userName eq \"a\"");
    auto bare = client.find(ResourceType::user, "userName eq \"a\"");
    auto none = client.find(ResourceType::user, "userName eq \"a\"");
    auto unreadable = client.find(ResourceType::user, "userName eq \"a\"");
    ASSERT_TRUE(listed && bare && none);
    EXPECT_EQ((*listed)[0]["id"], "u1");
    EXPECT_EQ((*bare)[0]["id"], "u2");
    EXPECT_TRUE(none->empty());
    ASSERT_FALSE(unreadable);
    EXPECT_NE(unreadable.error().detail.find("neither a ListResponse nor a list"),
              std::string::npos);
}

TEST_F(ScimClientTest, BusyAnswersAreRetriedAndErrorsCarryTheTargetsWords) {
    fake.on("DELETE", "/Groups/g1", Reply::error(503, "busy"), 1);
    fake.on("DELETE", "/Groups/g1", Reply::empty(204));
    fake.on("DELETE", "/Groups/g2", Reply::error(409, "in use", "mutability"));
    EXPECT_TRUE(client.remove(ResourceType::group, "g1"));
    auto refused = client.remove(ResourceType::group, "g2");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, 409);
    EXPECT_EQ(refused.error().scim_type, "mutability");
    EXPECT_EQ(refused.error().detail, "in use");
    EXPECT_EQ(fake.count("DELETE", "/Groups/g1"), 2U);
    EXPECT_EQ(fake.count("DELETE", "/Groups/g2"), 1U) << "a 409 is not retried";
}

TEST_F(ScimClientTest, NoAnswerIsStatusZeroAfterEveryAttempt) {
    fake.on("GET", "/Users/u1", Reply::none("connection refused"));
    auto got = client.get(ResourceType::user, "u1");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().status, 0);
    EXPECT_NE(got.error().detail.find("connection refused"), std::string::npos);
    EXPECT_EQ(fake.count("GET", "/Users/u1"), 4U);
}

TEST_F(ScimClientTest, APatchProbeIsSentOnce) {
    fake.on("PATCH", "/Users/u1", Reply::error(500, "no"));
    auto patched =
        client.patch(ResourceType::user, "u1", {{"replace", "title", json("x")}}, {}, true);
    ASSERT_FALSE(patched);
    EXPECT_EQ(patched.error().status, 500);
    const auto sent = fake.requests();
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(sent[0].json()["Operations"][0]["path"], "title");
}

// GitHub answers a spent rate limit with 403 and X-RateLimit-Remaining: 0: it is waited out
// and counted as a 429, not taken for refused credentials.
TEST(ScimClientRateLimits, A403ThatSaysTheRateLimitIsSpentIsWaitedOutLikeA429) {
    FakeTransport fake;
    auto spent = Reply::error(403, "API rate limit exceeded");
    spent.headers = {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1"}};
    fake.on("GET", "/Users/u1", spent, 1);
    fake.on("GET", "/Users/u1", Reply::json(200, {{"id", "u1"}, {"userName", "ada"}}));
    fake.on("GET", "/Users/u2", Reply::error(403, "forbidden"));
    ScimClient client({"test", fake.base_url(), {}, PatchStyle::rfc7644}, fake,
                      http::RetryPolicy{4, std::chrono::milliseconds(0), std::chrono::seconds(5),
                                        std::chrono::seconds(10)});
    const auto started = std::chrono::steady_clock::now();
    auto read = client.get(ResourceType::user, "u1");
    ASSERT_TRUE(read) << read.error().describe();
    EXPECT_EQ((*read)["id"], "u1");
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
    EXPECT_EQ(client.pace_report().rate_limited, 1U);
    // A 403 that says nothing of a rate limit is the refusal it is: not retried.
    auto refused = client.get(ResourceType::user, "u2");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, 403);
    EXPECT_EQ(fake.count("GET", "/Users/u2"), 1U);
}

} // namespace
} // namespace hr2scim::scim
