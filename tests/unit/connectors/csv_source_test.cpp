#include "connectors/csv_source.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <map>

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
    EXPECT_EQ(read.rejections[0].reason,
              "column 'name' is not valid UTF-8 (byte 3); a CSV saved by Excel is usually "
              "Windows-1252: set `encoding: windows-1252` in the source");
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
    SourceOptions options{
        {{"path", "people.csv"}, {"key_column", "id"}, {"delimiter", ";"}, {"encoding", "utf-8"}},
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
        SourceOptions options{{{"path", name},
                               {"key_column", "employee_id"},
                               {"delimiter", ","},
                               {"encoding", "utf-8"}},
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

// What spreadsheet programs write: ';' (Excel where ',' is the decimal comma), tab and '|',
// found from the header when the delimiter is not set; quoted commas do not count.
TEST(CsvSource, FindsTheDelimiterFromTheHeader) {
    EXPECT_EQ(detect_delimiter("employee_id,first_name,last_name\r\n"), ',');
    EXPECT_EQ(detect_delimiter("employee_id;first_name;\"last, name\";dept\n"), ';');
    EXPECT_EQ(detect_delimiter("\xEF\xBB\xBFid\tname\temail\n"), '\t');
    EXPECT_EQ(detect_delimiter("id|name|email"), '|');
    EXPECT_EQ(detect_delimiter("employee_id"), ',') << "one column";
    EXPECT_EQ(detect_delimiter("a;b,c"), ',') << "a tie keeps the RFC's comma";
}

SourceRead read_file(const testing::TempDir& dir, const std::string& content,
                     std::map<std::string, std::string, std::less<>> options) {
    (void)dir.write("hr.csv", content);
    options.emplace("path", "hr.csv");
    options.emplace("key_column", "id");
    SourceOptions all{{}, dir.path()};
    for (const auto& spec : csv_source_options())
        all.values[std::string(spec.name)] = std::string(spec.default_value);
    for (const auto& [name, value] : options)
        all.values[name] = value;
    all.values["type"] = "csv";
    return make_csv_source(all)->read();
}

TEST(CsvSource, AnExcelExportReadsWithoutSettings) {
    testing::TempDir dir;
    auto read = read_file(dir, "id;name;dept\r\nE1;Ada;R&D\r\nE2;\"Byron; Lord\";Poetry\r\n", {});
    ASSERT_TRUE(read.complete()) << *read.failure;
    ASSERT_EQ(read.records.size(), 2U);
    EXPECT_EQ(read.records[1].value("name"), "Byron; Lord");
    EXPECT_EQ(read.records[1].value("dept"), "Poetry");
}

TEST(CsvSource, ADelimiterSetWronglyIsNamedWithTheOneTheHeaderUses) {
    testing::TempDir dir;
    auto read = read_file(dir, "id;name\nE1;Ada\n", {{"delimiter", ","}});
    ASSERT_FALSE(read.complete());
    EXPECT_EQ(*read.failure,
              "hr.csv:1: the key column 'id' is not in the header (columns: id;name); the header "
              "looks separated by ';', not ',': set `delimiter` to it, or leave it out to have it "
              "found");
}

// Windows-1252 (Excel's "CSV" on Western systems) and ISO-8859-1 are read as what they say;
// UTF-8 stays the default, and a file that is not UTF-8 says which setting reads it.
TEST(CsvSource, ReadsTheEncodingsSpreadsheetsWrite) {
    testing::TempDir dir;
    // "Søren", "Zoë", "José" and "€" in Windows-1252: F8, EB, E9 and 80.
    const std::string cp1252 = "id,name,note\nE1,S\xF8ren,\x80 5\nE2,Zo\xEB,Jos\xE9\n";
    auto read = read_file(dir, cp1252, {{"encoding", "windows-1252"}});
    ASSERT_TRUE(read.complete());
    ASSERT_EQ(read.records.size(), 2U);
    EXPECT_EQ(read.records[0].value("name"), "S\u00F8ren");
    EXPECT_EQ(read.records[0].value("note"), "\u20AC 5");
    EXPECT_EQ(read.records[1].value("note"), "Jos\u00E9");
    auto latin1 = read_file(dir, "id,name\nE1,Zo\xEB\n", {{"encoding", "Latin1"}});
    ASSERT_EQ(latin1.records.size(), 1U);
    EXPECT_EQ(latin1.records[0].value("name"), "Zo\u00EB");

    auto as_utf8 = read_file(dir, cp1252, {});
    EXPECT_TRUE(as_utf8.records.empty());
    ASSERT_EQ(as_utf8.rejections.size(), 2U);
    EXPECT_EQ(as_utf8.rejections[0].key, "E1") << "whose row it is stays known";
    EXPECT_EQ(as_utf8.rejections[0].reason,
              "column 'name' is not valid UTF-8 (byte 2); a CSV saved by Excel is usually "
              "Windows-1252: set `encoding: windows-1252` in the source");
    // 0x81 is one of the five bytes Windows-1252 leaves undefined: the row, not a guess.
    auto undefined = read_file(dir, "id,name\nE1,A\x81\nE2,Bo\n", {{"encoding", "cp1252"}});
    ASSERT_EQ(undefined.records.size(), 1U);
    ASSERT_EQ(undefined.rejections.size(), 1U);
    EXPECT_EQ(undefined.rejections[0].reason,
              "column 'name' holds a byte that windows-1252 does not define");
}

TEST(CsvSource, AnUnknownEncodingIsAnOptionErrorListingTheKnownOnes) {
    SourceOptions options{
        {{"path", "x.csv"}, {"key_column", "id"}, {"delimiter", "auto"}, {"encoding", "utf-16"}},
        "."};
    try {
        (void)make_csv_source(options);
        FAIL() << "utf-16 was accepted";
    } catch (const OptionError& error) {
        EXPECT_STREQ(error.what(), "encoding must be one of utf-8, windows-1252, iso-8859-1, "
                                   "iso-8859-15, not 'utf-16'");
    }
}

TEST(CsvSource, ABadDelimiterIsAnOptionError) {
    SourceOptions options{{{"path", "x.csv"}, {"key_column", "id"}, {"delimiter", ";;"}}, "."};
    EXPECT_THROW((void)make_csv_source(options), OptionError);
}

} // namespace
} // namespace hr2scim::connectors
