// A packed body: the text dump() writes, one allocation shared by its copies, in any thread.
#include "scim/packed_json.hpp"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

TEST(PackedJson, HoldsTheTextDumpWritesAndParsesBack) {
    const json body = {{"userName", "ada@example.com"},
                       {"name", {{"givenName", "Ada"}, {"familyName", "Lovelace"}}},
                       {"emails", {{{"value", "ada@example.com"}, {"primary", true}}}},
                       {"title", "Analyst \"one\"\n"}};
    const PackedJson packed(body);
    EXPECT_EQ(packed.text(), body.dump());
    EXPECT_EQ(packed.parse(), body);
    EXPECT_FALSE(packed.empty());
    EXPECT_EQ(PackedJson::of_text(body.dump()).text(), body.dump());
}

TEST(PackedJson, EmptyAndEmptyTextAreNotTheSame) {
    const PackedJson none;
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.text(), "");
    const auto blank = PackedJson::of_text("");
    EXPECT_FALSE(blank.empty());
    EXPECT_EQ(blank.text(), "");
}

TEST(PackedJson, CopiesShareOneTextThatOutlivesTheFirst) {
    auto first = std::make_unique<PackedJson>(PackedJson::of_text(R"({"a":1})"));
    PackedJson copy = *first;
    EXPECT_EQ(copy.text().data(), first->text().data()) << "one text, not two";
    PackedJson assigned;
    assigned = copy;
    first.reset();
    EXPECT_EQ(copy.text(), R"({"a":1})");
    PackedJson moved = std::move(copy);
    EXPECT_TRUE(copy.empty()); // NOLINT(bugprone-use-after-move): moved from is empty
    EXPECT_EQ(moved.text(), assigned.text());
    assigned = std::move(moved);
    EXPECT_EQ(assigned.text(), R"({"a":1})");
    assigned = assigned; // NOLINT: self-assignment keeps the text
    EXPECT_EQ(assigned.text(), R"({"a":1})");
}

// Bodies are packed by the mapping threads, shared with the planner's operations, and copied
// and let go of by the executor's threads (TSan checks the count).
TEST(PackedJson, CopiedAndReleasedFromManyThreads) {
    const auto shared = PackedJson::of_text(R"({"userName":"x"})");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&shared] {
            for (int i = 0; i < 10000; ++i) {
                PackedJson copy = shared;
                if (copy.text().size() != 16) std::abort();
            }
        });
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(shared.text(), R"({"userName":"x"})");
}

} // namespace
} // namespace hr2scim::scim
