#include "scim/attribute_path.hpp"
#include "scim/filter.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

TEST(AttributePath, ParsesSimpleSubAndFilteredPaths) {
    auto simple = parse_attribute_path("userName");
    ASSERT_TRUE(simple);
    EXPECT_EQ(simple->attribute, "userName");
    EXPECT_TRUE(simple->schema.empty());

    auto sub = parse_attribute_path("name.givenName");
    ASSERT_TRUE(sub);
    EXPECT_EQ(sub->attribute, "name");
    EXPECT_EQ(sub->sub_attribute, "givenName");

    auto filtered = parse_attribute_path(R"(emails[type eq "work"].value)");
    ASSERT_TRUE(filtered);
    EXPECT_EQ(filtered->filter, (ValueFilter{"type", "work"}));
    EXPECT_EQ(filtered->sub_attribute, "value");
}

TEST(AttributePath, SplitsTheSchemaUrnAtTheLastColon) {
    auto path = parse_attribute_path(
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department");
    ASSERT_TRUE(path);
    EXPECT_EQ(path->schema, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    EXPECT_EQ(path->attribute, "department");
}

TEST(AttributePath, RoundTrips) {
    for (const char* text :
         {"userName", "name.familyName", R"(phoneNumbers[type eq "mobile"].value)",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter",
          R"(emails[type eq "a\"b"].value)"}) {
        auto path = parse_attribute_path(text);
        ASSERT_TRUE(path) << text << ": " << path.error();
        EXPECT_EQ(path->to_string(), text);
    }
}

TEST(AttributePath, ErrorsSayWhereAndWhat) {
    EXPECT_EQ(parse_attribute_path("").error(), "at character 1: expected an attribute name");
    EXPECT_EQ(parse_attribute_path("name.").error(),
              "at character 6: expected a sub-attribute name after `.`");
    EXPECT_EQ(parse_attribute_path(R"(emails[type sw "w"])").error(),
              "at character 12: only `eq` filters are supported here");
    EXPECT_EQ(parse_attribute_path(R"(emails[type eq "w")").error(),
              "at character 19: expected `]`");
    EXPECT_EQ(parse_attribute_path("user name").error(), "at character 5: unexpected text");
    EXPECT_EQ(parse_attribute_path("1abc").error(), "at character 1: expected an attribute name");
}

TEST(Filter, QuotesValuesSafely) {
    EXPECT_EQ(eq_filter("userName", "ada@example.com"), R"(userName eq "ada@example.com")");
    EXPECT_EQ(eq_filter("userName", R"(a"b\c)"), R"(userName eq "a\"b\\c")");
    EXPECT_EQ(quote_filter_value("line\nbreak"), R"("line\nbreak")");
    auto back = unquote_filter_value(R"("a\"b" rest)");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->first, "a\"b");
    EXPECT_EQ(back->second, 6U);
}

} // namespace
} // namespace hr2scim::scim
