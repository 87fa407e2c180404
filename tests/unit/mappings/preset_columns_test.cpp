// A preset's header comment is what an admin follows to shape the export: every column the
// preset reads must be listed there (the hr_csv preset once read an unlisted `language`).
#include "mappings/mapping.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <sstream>

namespace hr2scim::mappings {
namespace {

// The names listed after "Columns:" or "aliases:" in the comment above `attributes:`.
std::vector<std::string> listed_columns(const std::string& text) {
    std::string comment;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line) && line.starts_with("#");)
        comment += line.substr(1) + " ";
    size_t start = comment.find("Columns:");
    start = start == std::string::npos ? comment.find("aliases:") : start;
    if (start == std::string::npos) return {};
    comment = comment.substr(comment.find(':', start) + 1);
    comment = comment.substr(0, comment.find_first_of("(."));
    std::vector<std::string> names;
    std::istringstream items(comment);
    for (std::string item; std::getline(items, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) names.push_back(item);
    }
    return names;
}

TEST(Presets, EveryColumnAPresetReadsIsListedInItsComment) {
    size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(HR2SCIM_SOURCE_DIR) +
                                                                 "/mappings/presets")) {
        const auto text = testing::read_file(entry.path());
        const auto columns = listed_columns(text);
        if (columns.empty()) continue; // LDAP and API presets name their source instead
        SCOPED_TRACE(entry.path().string());
        auto mapping = load_mapping(entry.path());
        auto errors = check_source_attributes(mapping, columns);
        EXPECT_TRUE(errors.empty()) << errors.front();
        ++checked;
    }
    EXPECT_GE(checked, 2U) << "hr_csv and workday_raas list their columns";
}

} // namespace
} // namespace hr2scim::mappings
