#include "connectors/csv_source.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

SourceRead read_text(const std::string& text, const std::string& key = "id") {
    return records_from_csv(parse_csv(text), "hr.csv", key);
}

TEST(CsvSource, MakesOneRecordPerRowKeyedByTheKeyColumn) {
    auto read = read_text("id,name\nE1,Ada\nE2,Bob\n");
    ASSERT_TRUE(read.complete());
    ASSERT_EQ(read.records.size(), 2U);
    EXPECT_EQ(read.records[0].key, "E1");
    EXPECT_EQ(read.records[0].value("name"), "Ada");
    EXPECT_EQ(read.records[1].origin, "hr.csv:3");
    EXPECT_EQ(read.attribute_names, (std::vector<std::string>{"id", "name"}));
}

TEST(CsvSource, RejectsRowsWithTheWrongFieldCountNamingTheLine) {
    auto read = read_text("id,name\nE1,Ada,extra\nE2,Bob\n");
    ASSERT_EQ(read.rejections.size(), 1U);
    EXPECT_EQ(read.rejections[0].origin, "hr.csv:2");
    EXPECT_EQ(read.rejections[0].reason, "has 3 fields, the header has 2");
    EXPECT_TRUE(read.rejections[0].key.empty()) << "whose row it is cannot be known";
    EXPECT_EQ(read.records.size(), 1U);
}

TEST(CsvSource, ADuplicateKeyRejectsEveryRowWithThatKey) {
    auto read = read_text("id,name\nE1,Ada\nE2,Bob\nE1,Eve\n");
    ASSERT_EQ(read.records.size(), 1U);
    EXPECT_EQ(read.records[0].key, "E2");
    ASSERT_EQ(read.rejections.size(), 2U);
    EXPECT_EQ(read.rejections[0].key, "E1");
    EXPECT_EQ(read.rejections[0].reason, "key 'E1' appears more than once (hr.csv:2, hr.csv:4)");
}

TEST(CsvSource, TheKeyColumnIsFoundIgnoringCase) {
    auto read = read_text("ID,Name\nE1,Ada\n", "id");
    ASSERT_EQ(read.records.size(), 1U);
    EXPECT_EQ(read.records[0].key, "E1");
    EXPECT_EQ(read.records[0].value("name"), "Ada");
}

TEST(CsvSource, AnEmptyKeyIsRejected) {
    auto read = read_text("id,name\n,Ada\n");
    ASSERT_EQ(read.rejections.size(), 1U);
    EXPECT_EQ(read.rejections[0].reason, "the key column 'id' is empty");
}

TEST(CsvSource, InvalidUtf8IsRejectedWithTheColumn) {
    auto read = read_text("id,name\nE1,Ad\xE9\n");
    ASSERT_EQ(read.rejections.size(), 1U);
    EXPECT_EQ(read.rejections[0].reason, "column 'name' is not valid UTF-8 (byte 3)");
}

TEST(CsvSource, HeaderProblemsFailTheWholeSource) {
    EXPECT_EQ(*read_text("").failure, "hr.csv: no header row (the file is empty)");
    EXPECT_EQ(*read_text("name,mail\nAda,a@x\n").failure,
              "hr.csv:1: the key column 'id' is not in the header (columns: name, mail)");
    EXPECT_EQ(
        *read_text("id,name,Name\n").failure,
        "hr.csv:1: column 'Name' appears twice in the header (names are compared ignoring case)");
    EXPECT_EQ(*read_text("id,,x\n").failure, "hr.csv:1: column 2 of the header has no name");
}

TEST(CsvSource, AHeaderOnlyFileIsCompleteAndEmpty) {
    auto read = read_text("id,name\n");
    EXPECT_TRUE(read.complete());
    EXPECT_TRUE(read.records.empty());
}

TEST(CsvSource, TruncationFailsTheSourceButKeepsEarlierRecords) {
    auto read = read_text("id,name\nE1,Ada\nE2,\"Bo");
    ASSERT_FALSE(read.complete());
    EXPECT_EQ(read.failure->rfind("hr.csv:3: a quoted field", 0), 0U) << *read.failure;
    EXPECT_EQ(read.records.size(), 1U);
}

TEST(CsvSource, AMissingFileIsAFailureNamingIt) {
    CsvSource source({"/nonexistent/hr.csv", "id", {}});
    auto read = source.read();
    ASSERT_FALSE(read.complete());
    EXPECT_EQ(*read.failure, "cannot open /nonexistent/hr.csv: No such file or directory");
}

TEST(CsvSource, ReadsAFileThroughItsOptions) {
    testing::TempDir dir;
    (void)dir.write("people.csv", "id;name\nE1;Ada\n");
    SourceOptions options{{{"path", "people.csv"}, {"key_column", "id"}, {"delimiter", ";"}},
                          dir.path()};
    auto read = make_csv_source(options)->read();
    ASSERT_EQ(read.records.size(), 1U);
    EXPECT_EQ(read.records[0].value("name"), "Ada");
    EXPECT_EQ(read.records[0].origin, "people.csv:2");
}

// Room is made for a read's records from the file's size and its first lines: near the count
// for a large file, exact for a small one, nothing for what is not a regular file.
TEST(CsvSource, EstimatesItsRecordsFromTheFileAlone) {
    testing::TempDir dir;
    std::string large = "employee_id,name,email\n";
    for (int i = 0; i < 20000; ++i)
        large += "E" + std::to_string(100000 + i) + ",Person " + std::to_string(100000 + i) + ",p" +
                 std::to_string(100000 + i) + "@lovelace.org\n";
    (void)dir.write("large.csv", large);
    (void)dir.write("small.csv", "employee_id,name,email\nE1,Ada Lovelace,ada@lovelace.org\n"
                                 "E2,Charles Babbage,cb@lovelace.org\n");
    (void)dir.write("empty.csv", "");
    auto estimate = [&](const std::string& name) {
        SourceOptions options{{{"path", name}, {"key_column", "employee_id"}, {"delimiter", ","}},
                              dir.path()};
        return make_csv_source(options)->estimated_records();
    };
    const auto records = estimate("large.csv");
    ASSERT_TRUE(records);
    EXPECT_GT(*records, 19800U); // within 1 %: rows of one length
    EXPECT_LT(*records, 20200U);
    EXPECT_EQ(estimate("small.csv"), 2U);
    EXPECT_EQ(estimate("empty.csv"), std::nullopt);
    EXPECT_EQ(estimate("missing.csv"), std::nullopt);
    EXPECT_EQ(estimate("."), std::nullopt); // a folder
}

TEST(CsvSource, ABadDelimiterIsAnOptionError) {
    SourceOptions options{{{"path", "x.csv"}, {"key_column", "id"}, {"delimiter", ";;"}}, "."};
    EXPECT_THROW((void)make_csv_source(options), OptionError);
}

} // namespace
} // namespace hr2scim::connectors
