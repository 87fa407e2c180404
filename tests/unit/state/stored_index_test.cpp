// The state's resources by identity key: each person once, the last row read for them winning,
// and in identity order whatever order the rows came in (absences are planned in that order).
#include "state/planner.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace hr2scim::state {
namespace {

StoredResource row(const std::string& key, const std::string& scim_id) {
    return {key, scim_id, ResourceStatus::active, nullptr, std::nullopt};
}

std::vector<std::string> ids_in_order(const StoredIndex& index) {
    std::vector<std::string> ids;
    for (const auto* resource : index.ordered())
        ids.push_back(resource->scim_id);
    return ids;
}

TEST(StoredIndex, OrdersRowsByIdentityKeyWhateverOrderTheyCameIn) {
    const std::vector<StoredResource> stored = {row("E3", "c"), row("e1", "a"), row(" E2 ", "b")};
    const StoredIndex folded(stored, false);
    EXPECT_EQ(ids_in_order(folded), (std::vector<std::string>{"a", "b", "c"}));
    ASSERT_NE(folded.find("E1"), nullptr);
    EXPECT_EQ(folded.find("E1")->scim_id, "a");
    EXPECT_EQ(*folded.scim_id("e2"), "b");
}

TEST(StoredIndex, CaseSensitiveKeysOrderAsWritten) {
    const std::vector<StoredResource> stored = {row("b", "lower"), row("B", "upper"),
                                                row("a", "x")};
    const StoredIndex exact(stored, true);
    EXPECT_EQ(ids_in_order(exact), (std::vector<std::string>{"upper", "x", "lower"}));
    EXPECT_EQ(exact.find("A"), nullptr);
}

TEST(StoredIndex, TwoRowsForOnePersonAreOnePersonTheLastRead) {
    const std::vector<StoredResource> stored = {row("E2", "old"), row("E1", "a"), row("e2", "new")};
    const StoredIndex index(stored, false);
    EXPECT_EQ(ids_in_order(index), (std::vector<std::string>{"a", "new"}));
    EXPECT_EQ(index.find("E2")->scim_id, "new");
}

TEST(StoredIndex, RowsAlreadyInOrderStayInOrder) {
    std::vector<StoredResource> stored;
    for (int i = 10; i < 60; ++i)
        stored.push_back(row("E" + std::to_string(i), std::to_string(i)));
    const StoredIndex index(stored, false);
    ASSERT_EQ(index.ordered().size(), stored.size());
    for (size_t i = 0; i < stored.size(); ++i)
        EXPECT_EQ(index.ordered()[i], &stored[i]);
}

} // namespace
} // namespace hr2scim::state
