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

// Look-ups in the state's order are answered from the rows found last (StoredIndex::find); every
// answer must still be the table's, whatever the order, with managers asked for in between,
// with two indexes on one thread, and with two rows for one person (no shortcut then).
TEST(StoredIndex, LookUpsInAnyOrderFindWhatTheTableHolds) {
    std::vector<StoredResource> stored;
    for (int i = 0; i < 3000; ++i)
        stored.push_back(row("E" + std::to_string(10000 + i), "id" + std::to_string(i)));
    std::vector<StoredResource> other = {row("E10001", "other"), row("E10002", "other2")};
    const StoredIndex index(stored, false);
    const StoredIndex second(other, false);
    auto expect_found = [&](const StoredIndex& in, const std::string& key, const std::string& id) {
        const auto* found = in.find(key);
        ASSERT_NE(found, nullptr) << key;
        EXPECT_EQ(found->scim_id, id) << key;
    };
    for (int i = 0; i < 3000; ++i) {
        expect_found(index, "e" + std::to_string(10000 + i) + " ", "id" + std::to_string(i));
        expect_found(index, "E" + std::to_string(10000 + i / 7), "id" + std::to_string(i / 7));
        expect_found(second, "E10002", "other2");
        EXPECT_EQ(index.find("E" + std::to_string(20000 + i)), nullptr);
    }
    for (int i = 2999; i >= 0; i -= 13)
        expect_found(index, "E" + std::to_string(10000 + i), "id" + std::to_string(i));
    // Two rows for E10001: the last one read is the person, even right after the row before
    // the older one was found.
    const std::vector<StoredResource> with_two = {row("A1", "a"), row("E10001", "older"),
                                                  row("E10002", "b"), row("e10001", "newer")};
    const StoredIndex twice(with_two, false);
    expect_found(twice, "A1", "a");
    expect_found(twice, "E10001", "newer");
    expect_found(twice, "E10002", "b");
    expect_found(twice, "E10001", "newer");
}

} // namespace
} // namespace hr2scim::state
