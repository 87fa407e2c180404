#include "state/identity_table.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace hr2scim::state {
namespace {

struct KeysOf {
    const std::vector<std::string>* keys = nullptr;
    std::string_view operator()(size_t index) const { return (*keys)[index]; }
};

IdentityTable<KeysOf> table_of(const std::vector<std::string>& keys, bool case_sensitive,
                               bool replace) {
    IdentityTable table(case_sensitive, KeysOf{&keys});
    for (size_t i = 0; i < keys.size(); ++i)
        (void)table.insert(i, replace);
    return table;
}

TEST(IdentityTableTest, FindsAKeyAsIdentityKeyComparesIt) {
    const std::vector<std::string> keys{"E1001", " e1002\t", "E1003"};
    auto table = table_of(keys, false, false);
    EXPECT_EQ(table.find("E1001"), 0U);
    EXPECT_EQ(table.find("e1001 "), 0U);
    EXPECT_EQ(table.find("E1002"), 1U);
    EXPECT_EQ(table.find("E1004"), std::nullopt);
    EXPECT_EQ(table.find(""), std::nullopt);
}

TEST(IdentityTableTest, CaseSensitiveKeysDiffer) {
    const std::vector<std::string> keys{"ab", "AB"};
    auto table = table_of(keys, true, false);
    EXPECT_EQ(table.size(), 2U);
    EXPECT_EQ(table.find("AB"), 1U);
    EXPECT_EQ(table.find("Ab"), std::nullopt);
}

TEST(IdentityTableTest, TheFirstStaysOrTheLastWins) {
    const std::vector<std::string> keys{"E1", "e1", "E1 "};
    auto first = table_of(keys, false, false);
    auto last = table_of(keys, false, true);
    EXPECT_EQ(first.size(), 1U);
    EXPECT_EQ(first.find("E1"), 0U);
    EXPECT_EQ(last.find("E1"), 2U);
    IdentityTable again(false, KeysOf{&keys});
    EXPECT_EQ(again.insert(0, false), std::nullopt);
    EXPECT_EQ(again.insert(1, false), 0U); // the one that was there
}

TEST(IdentityTableTest, AgreesWithIdentityKeyOverManyKeysAndGrowths) {
    std::vector<std::string> keys;
    for (int i = 0; i < 20000; ++i)
        keys.push_back((i % 3 == 0 ? "E" : "e") + std::to_string(i * 7919 % 100003));
    auto table = table_of(keys, false, true); // grows from 16 slots, never reserved
    for (size_t i = 0; i < keys.size(); ++i) {
        auto found = table.find(identity_key(keys[i], false));
        ASSERT_TRUE(found) << keys[i];
        EXPECT_EQ(identity_key(keys[*found], false), identity_key(keys[i], false));
    }
    EXPECT_EQ(table.find("E100004"), std::nullopt);
}

// insert_each (slots fetched ahead) gives every answer insert() gives one by one, from fewer
// items than it fetches ahead to many, with repeated keys, keeping the first or the last.
TEST(IdentityTableTest, InsertingEachGivesWhatInsertingOneByOneGives) {
    for (const size_t count : {0, 1, 5, 8, 9, 3000}) {
        std::vector<std::string> keys;
        for (size_t i = 0; i < count; ++i)
            keys.push_back((i % 2 ? "E" : " e") + std::to_string(i * 7 % 997));
        for (const bool replace : {false, true}) {
            IdentityTable one_by_one(false, KeysOf{&keys});
            IdentityTable each(false, KeysOf{&keys});
            std::vector<std::optional<size_t>> expected;
            std::vector<std::optional<size_t>> answers;
            for (size_t i = 0; i < keys.size(); ++i)
                expected.push_back(one_by_one.insert(i, replace));
            each.insert_each(keys.size(), replace, [&](size_t i, std::optional<size_t> there) {
                EXPECT_EQ(i, answers.size());
                answers.push_back(there);
            });
            EXPECT_EQ(answers, expected) << count << " keys, replace " << replace;
            EXPECT_EQ(each.size(), one_by_one.size());
            for (const auto& key : keys)
                EXPECT_EQ(each.find(key), one_by_one.find(key)) << key;
        }
    }
}

TEST(IdentityTableTest, HashAndSamenessFollowIdentityKey) {
    for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
             {"E1", " e1 "}, {"Anna.Berg", "anna.berg"}, {" ", ""}, {"é", "é"}}) {
        EXPECT_TRUE(same_identity(a, b, false)) << a << "|" << b;
        EXPECT_EQ(identity_hash(a, false), identity_hash(b, false)) << a << "|" << b;
    }
    EXPECT_FALSE(same_identity("E1", "E10", false));
    EXPECT_FALSE(same_identity("E1", "e1", true));
    EXPECT_FALSE(same_identity("É", "é", false)); // ASCII folding only, as identity_key
}

} // namespace
} // namespace hr2scim::state
