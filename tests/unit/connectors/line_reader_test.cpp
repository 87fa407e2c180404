#include "connectors/csv_source.hpp"
#include "connectors/line_reader.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace hr2scim::connectors {
namespace {

std::vector<std::string> lines_of(const std::string& text, size_t max = 1 << 20) {
    std::istringstream in(text);
    LineReader reader(in, max);
    std::vector<std::string> lines;
    std::string_view line;
    while (reader.next(line))
        lines.emplace_back(line);
    if (reader.error()) lines.push_back("ERROR " + *reader.error());
    return lines;
}

TEST(LineReader, KeepsLineEndsAndTheLastLineWithoutOne) {
    EXPECT_EQ(lines_of("a\nb\r\nc"), (std::vector<std::string>{"a\n", "b\r\n", "c"}));
    EXPECT_EQ(lines_of(""), std::vector<std::string>{});
    EXPECT_EQ(lines_of("\n\n"), (std::vector<std::string>{"\n", "\n"}));
    std::string long_line(200000, 'x');
    EXPECT_EQ(lines_of(long_line + "\nz\n"), (std::vector<std::string>{long_line + "\n", "z\n"}))
        << "across chunks";
}

TEST(LineReader, ALineThatNeverEndsIsAnError) {
    auto lines = lines_of(std::string(300000, '\0'), 100000);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_TRUE(lines[0].starts_with("ERROR line 1 is longer than")) << lines[0];
}

TEST(CsvSource, RefusesADeviceOrAFolderAsItsFile) {
    testing::TempDir dir;
    for (const auto& path : {std::filesystem::path("/dev/zero"), dir.path()}) {
        CsvSourceSettings settings{path, "id", {}};
        auto read = CsvSource(settings).read();
        ASSERT_FALSE(read.complete()) << path;
        EXPECT_NE(read.failure->find("not a regular file"), std::string::npos) << *read.failure;
    }
}

} // namespace
} // namespace hr2scim::connectors
