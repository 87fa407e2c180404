#include "apply/bulk.hpp"

#include <gtest/gtest.h>

namespace hr2scim::apply {
namespace {

using nlohmann::json;

BulkItem create(size_t index, std::string name) {
    return {index,    "POST",
            "/Users", "op" + std::to_string(index),
            "",       json{{"userName", std::move(name)}}};
}

BulkItem remove(size_t index, std::string id) {
    return {index, "DELETE", "/Users/" + id, "op" + std::to_string(index), "", nullptr};
}

TEST(Bulk, BatchesKeepToTheOperationAndPayloadLimitsInOrder) {
    std::vector<BulkItem> items;
    for (size_t i = 0; i < 7; ++i)
        items.push_back(create(i, std::string(100, 'a')));
    auto by_count = bulk_batches(items, 3, 0);
    ASSERT_EQ(by_count.size(), 3U);
    EXPECT_EQ(by_count[0].size(), 3U);
    EXPECT_EQ(by_count[2].size(), 1U);
    EXPECT_EQ(by_count[2][0].index, 6U);

    auto by_size = bulk_batches(items, 1000, 1000);
    ASSERT_GE(by_size.size(), 3U);
    for (const auto& batch : by_size) {
        EXPECT_FALSE(batch.empty());
        EXPECT_LE(bulk_request(batch).dump().size(), 1000U);
    }
    EXPECT_EQ(bulk_batches({create(0, std::string(5000, 'a'))}, 10, 1000).size(), 1U)
        << "an operation larger than the limit still goes, alone";
}

TEST(Bulk, TheRequestNamesEveryOperation) {
    auto request = bulk_request({create(0, "ada"), remove(1, "id-9")});
    EXPECT_EQ(request["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:BulkRequest");
    ASSERT_EQ(request["Operations"].size(), 2U);
    EXPECT_EQ(request["Operations"][0], json({{"method", "POST"},
                                              {"path", "/Users"},
                                              {"bulkId", "op0"},
                                              {"data", {{"userName", "ada"}}}}));
    EXPECT_FALSE(request["Operations"][1].contains("data"));
}

TEST(Bulk, ResultsAreMatchedToTheirOperationsAndOthersAreNotTrusted) {
    std::vector<BulkItem> items = {create(0, "ada"), remove(1, "id-9"), create(2, "bob")};
    auto answer = json::parse(R"({"Operations": [
        {"method": "POST", "bulkId": "op2", "status": "409", "response": {"scimType": "uniqueness"}},
        {"method": "DELETE", "location": "https://t/scim/v2/Users/id-9", "status": 204},
        {"method": "POST", "bulkId": "op0", "location": "https://t/scim/v2/Users/u-1", "status": "201"}]})");
    auto results = bulk_results(answer, items);
    ASSERT_TRUE(results);
    ASSERT_TRUE((*results)[0]);
    EXPECT_EQ((*results)[0]->status, 201);
    EXPECT_EQ((*results)[0]->location, "https://t/scim/v2/Users/u-1");
    ASSERT_TRUE((*results)[1]);
    EXPECT_EQ((*results)[1]->status, 204);
    ASSERT_TRUE((*results)[2]);
    EXPECT_EQ((*results)[2]->status, 409);

    // A result for another user, another method or with no status answers nothing.
    auto wrong = json::parse(R"({"Operations": [
        {"method": "POST", "bulkId": "op7", "status": "201"},
        {"method": "DELETE", "location": "https://t/scim/v2/Users/id-10", "status": "204"},
        {"method": "PUT", "bulkId": "op2", "status": "200"}]})");
    auto none = bulk_results(wrong, items);
    ASSERT_TRUE(none);
    for (const auto& result : *none)
        EXPECT_FALSE(result);
    EXPECT_FALSE(bulk_results(json::array(), items)) << "not a BulkResponse";
    EXPECT_FALSE(bulk_results(json{{"Operations", "x"}}, items));
}

} // namespace
} // namespace hr2scim::apply
