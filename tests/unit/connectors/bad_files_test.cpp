// Every file under tests/data/bad gives exactly one problem, the one in its .expected file,
// which names the line.

#include "connectors/source_registry.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

const std::filesystem::path k_bad = std::filesystem::path(HR2SCIM_SOURCE_DIR) / "tests/data/bad";

std::vector<std::string> problems_of(const std::filesystem::path& file) {
    const bool ldif = file.extension() == ".ldif";
    SourceOptions options{{{"path", file.filename().string()}}, file.parent_path()};
    if (ldif) {
        options.values.insert({{"key_attribute", "uid"}, {"object_class", "person"}});
    } else {
        options.values.insert({{"key_column", "id"}, {"delimiter", ","}, {"encoding", "utf-8"}});
    }
    auto read = find_source_kind(ldif ? "ldif" : "csv")->make(options)->read();
    std::vector<std::string> problems;
    for (const auto& rejection : read.rejections)
        problems.push_back(rejection.origin + ": " + rejection.reason);
    if (read.failure) problems.push_back(*read.failure);
    return problems;
}

TEST(BadFiles, EachGivesOneClearErrorNamingItsLine) {
    size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(k_bad)) {
        if (entry.path().extension() == ".expected") continue;
        auto expected = testing::read_file(entry.path().string() + ".expected");
        expected.erase(expected.find_last_not_of('\n') + 1);
        auto problems = problems_of(entry.path());
        // A duplicate key rejects every row that has it; the first names them all.
        if (entry.path().filename() == "duplicate_key.csv")
            problems.resize(std::min<size_t>(problems.size(), 1));
        ASSERT_EQ(problems.size(), 1U)
            << entry.path().filename() << ": " << ::testing::PrintToString(problems);
        EXPECT_EQ(problems[0], expected) << entry.path().filename();
        ++checked;
    }
    EXPECT_GE(checked, 14U);
}

} // namespace
} // namespace hr2scim::connectors
