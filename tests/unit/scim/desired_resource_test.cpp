// A person's rarer details (decision, unique() candidates, attributes kept as sent) are held
// apart; a copy of the person is still a copy of them, not a second view of the same ones.
#include "scim/desired_resource.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

TEST(DesiredResource, APersonWithoutDetailsReadsThemAsEmpty) {
    const DesiredResource person;
    EXPECT_TRUE(person.details().decision.empty());
    EXPECT_TRUE(person.details().unique.empty());
    EXPECT_TRUE(person.details().keep_as_sent.empty());
}

TEST(DesiredResource, ACopyHasItsOwnDetails) {
    DesiredResource first;
    first.key = "E1";
    first.edit_details().decision = "pre-hire";
    first.edit_details().keep_as_sent.push_back(*parse_attribute_path("title"));
    DesiredResource second = first;
    second.edit_details().decision = "active";
    second.edit_details().keep_as_sent.clear();
    EXPECT_EQ(first.details().decision, "pre-hire");
    EXPECT_EQ(first.details().keep_as_sent.size(), 1U);
    EXPECT_EQ(second.details().decision, "active");

    DesiredResource third;
    third = first;
    first.edit_details().decision.clear();
    EXPECT_EQ(third.details().decision, "pre-hire");
    DesiredResource moved = std::move(third);
    EXPECT_EQ(moved.details().decision, "pre-hire");
}

} // namespace
} // namespace hr2scim::scim
