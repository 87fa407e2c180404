#include "connectors/join.hpp"

#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

Record person(const std::string& key, const std::string& attribute, const std::string& value) {
    return {key, {{attribute, {value}}}, "test:" + key};
}

TEST(Join, AddsTheMatchingRecordsAttributesUnderTheJoinName) {
    std::vector<Record> primary = {person("E1", "email", "Ada@Example.com"),
                                   person("E2", "email", "bob@example.com"),
                                   person("E3", "email", "")};
    std::vector<Record> secondary = {
        {"uid=ada", {{"mail", {"ada@example.com"}}, {"uid", {"ada"}}}, "d:1"},
        {"uid=cy", {{"mail", {"cy@example.com"}}, {"uid", {"cy"}}}, "d:2"}};
    auto outcome = join_into(primary, secondary, {"directory", "email", "mail"});
    EXPECT_EQ(outcome.matched, 1U);
    EXPECT_EQ(outcome.unmatched, 2U);
    EXPECT_EQ(primary[0].value("directory.uid"), "ada") << "values match ignoring case";
    EXPECT_EQ(primary[0].value("email"), "Ada@Example.com") << "the primary's own attributes stay";
    EXPECT_FALSE(primary[1].has_attribute("directory.uid"));
}

TEST(Join, AValueSharedBySeveralSecondaryRecordsJoinsNothing) {
    std::vector<Record> primary = {person("E1", "email", "ada@example.com")};
    std::vector<Record> secondary = {
        {"a1", {{"mail", {"ada@example.com"}}, {"uid", {"ada1"}}}, "d:1"},
        {"a2", {{"mail", {"ADA@example.com"}}, {"uid", {"ada2"}}}, "d:2"}};
    auto outcome = join_into(primary, secondary, {"directory", "email", "mail"});
    EXPECT_EQ(outcome.ambiguous, (std::vector<std::string>{"ada@example.com"}));
    EXPECT_EQ(outcome.matched, 0U);
    EXPECT_FALSE(primary[0].has_attribute("directory.uid"));
}

} // namespace
} // namespace hr2scim::connectors
