// Suggestions for misspelt names: near enough to be a slip, never a guess at another word.
#include "agent/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

const std::vector<std::string> k_keys = {"source", "mapping", "target",    "state",
                                         "safety", "groups",  "delimiter", "encoding"};

TEST(DidYouMean, SuggestsTheNearestNameForATypo) {
    EXPECT_EQ(nearest_name("saftey", k_keys), "safety");       // two letters swapped
    EXPECT_EQ(nearest_name("delimeter", k_keys), "delimiter"); // one wrong
    EXPECT_EQ(nearest_name("mappings", k_keys), "mapping");    // one more
    EXPECT_EQ(nearest_name("encodng", k_keys), "encoding");    // one fewer
    EXPECT_EQ(did_you_mean("targte", k_keys), "; did you mean 'target'?");
}

TEST(DidYouMean, SuggestsNothingForAnotherWordOrTheNameItself) {
    EXPECT_EQ(nearest_name("empty", k_keys), std::nullopt);
    EXPECT_EQ(nearest_name("ab", k_keys), std::nullopt) << "two edits of a short word are a guess";
    EXPECT_EQ(nearest_name("state", k_keys), std::nullopt) << "not misspelt";
    EXPECT_EQ(nearest_name("anything", {}), std::nullopt);
    EXPECT_EQ(did_you_mean("colour", k_keys), "");
}

TEST(DidYouMean, EditDistanceCountsSingleByteEdits) {
    EXPECT_EQ(edit_distance("", ""), 0U);
    EXPECT_EQ(edit_distance("abc", ""), 3U);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
    EXPECT_EQ(edit_distance("saftey", "safety"), 2U);
}

} // namespace
} // namespace hr2scim::agent
