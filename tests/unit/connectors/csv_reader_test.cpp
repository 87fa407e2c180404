#include "connectors/csv_reader.hpp"

#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvReader, ReadsPlainRowsWithTheirLines) {
    auto parsed = parse_csv("a,b\n1,2\n3,4\n");
    ASSERT_EQ(parsed.rows.size(), 3U);
    EXPECT_EQ(parsed.rows[1].fields, (Fields{"1", "2"}));
    EXPECT_EQ(parsed.rows[2].line, 3U);
    EXPECT_TRUE(parsed.errors.empty());
    EXPECT_FALSE(parsed.truncated);
}

TEST(CsvReader, HandlesQuotesDoubledQuotesAndDelimitersInsideQuotes) {
    auto parsed = parse_csv("x,y\n\"a, b\",\"say \"\"hi\"\"\"\n");
    ASSERT_EQ(parsed.rows.size(), 2U);
    EXPECT_EQ(parsed.rows[1].fields, (Fields{"a, b", "say \"hi\""}));
}

TEST(CsvReader, AQuotedNewlineKeepsTheRecordTogetherAndLinesStayRight) {
    auto parsed = parse_csv("x,y\n\"line one\nline two\",z\nnext,row\n");
    ASSERT_EQ(parsed.rows.size(), 3U);
    EXPECT_EQ(parsed.rows[1].fields, (Fields{"line one\nline two", "z"}));
    EXPECT_EQ(parsed.rows[1].line, 2U);
    EXPECT_EQ(parsed.rows[2].line, 4U) << "the record after a two-line record starts on line 4";
}

TEST(CsvReader, AcceptsCrlfAndAByteOrderMark) {
    auto parsed = parse_csv("\xEF\xBB\xBFid,name\r\n1,Ada\r\n2,\"Bob\r\nJr\"\r\n");
    ASSERT_EQ(parsed.rows.size(), 3U);
    EXPECT_EQ(parsed.rows[0].fields, (Fields{"id", "name"}))
        << "the BOM is not part of the first name";
    EXPECT_EQ(parsed.rows[1].fields, (Fields{"1", "Ada"}));
    EXPECT_EQ(parsed.rows[2].fields, (Fields{"2", "Bob\r\nJr"}));
}

TEST(CsvReader, KeepsSpacesAndEmptyFields) {
    auto parsed = parse_csv("a,b,c\n x ,,\n");
    ASSERT_EQ(parsed.rows.size(), 2U);
    EXPECT_EQ(parsed.rows[1].fields, (Fields{" x ", "", ""}));
}

TEST(CsvReader, SkipsBlankLinesWithoutLosingCount) {
    auto parsed = parse_csv("a\n\n1\n\n\n2");
    ASSERT_EQ(parsed.rows.size(), 3U);
    EXPECT_EQ(parsed.rows[1].line, 3U);
    EXPECT_EQ(parsed.rows[2].line, 6U);
    EXPECT_EQ(parsed.rows[2].fields, (Fields{"2"})) << "a last line without a line end counts";
}

TEST(CsvReader, UsesAConfiguredDelimiter) {
    auto parsed = parse_csv("a;b\n\"1;2\";3\n", {';'});
    ASSERT_EQ(parsed.rows.size(), 2U);
    EXPECT_EQ(parsed.rows[1].fields, (Fields{"1;2", "3"}));
    auto tabs = parse_csv("a\tb\nx y\tz\n", {'\t'});
    EXPECT_EQ(tabs.rows[1].fields, (Fields{"x y", "z"}));
}

TEST(CsvReader, RejectsAMalformedRowAndGoesOn) {
    auto parsed = parse_csv("a,b\n1,x\"y\n2,\"ok\"junk\n3,fine\n");
    ASSERT_EQ(parsed.errors.size(), 2U);
    EXPECT_EQ(parsed.errors[0].line, 2U);
    EXPECT_EQ(parsed.errors[0].reason,
              "column 4: a quote inside an unquoted field, or text after a closing quote");
    EXPECT_EQ(parsed.errors[1].line, 3U);
    ASSERT_EQ(parsed.rows.size(), 2U);
    EXPECT_EQ(parsed.rows[1].fields, (Fields{"3", "fine"}));
    EXPECT_EQ(parsed.rows[1].line, 4U);
}

TEST(CsvReader, AnUnclosedQuoteAtTheEndIsTruncation) {
    auto parsed = parse_csv("a,b\n1,2\n3,\"never closed\n4,5\n");
    ASSERT_TRUE(parsed.truncated);
    EXPECT_EQ(parsed.truncated->line, 3U);
    ASSERT_EQ(parsed.rows.size(), 2U) << "rows before the damage are kept";
}

TEST(CsvReader, EmptyInputHasNoRows) {
    auto parsed = parse_csv("");
    EXPECT_TRUE(parsed.rows.empty());
    EXPECT_FALSE(parsed.truncated);
}

} // namespace
} // namespace hr2scim::connectors

namespace hr2scim::connectors {
namespace {

TEST(CsvReader, ARecordLongerThanTheLimitFailsTheRead) {
    std::string text = "a,b\n1,\"open quote\n";
    for (int i = 0; i < 20000; ++i)
        text += std::string(80, 'x') + "\n"; // 1.6 MiB inside one quoted field
    auto parsed = parse_csv(text);
    ASSERT_TRUE(parsed.truncated.has_value());
    EXPECT_EQ(parsed.truncated->line, 2U);
    EXPECT_NE(parsed.truncated->reason.find("longer than 1 MiB"), std::string::npos)
        << parsed.truncated->reason;
    EXPECT_EQ(parsed.rows.size(), 1U) << "only the header";
}

} // namespace
} // namespace hr2scim::connectors
