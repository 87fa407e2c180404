// The README's configuration block is usable as written: it loads as a config next to
// examples/, its mapping and source load, the mapping reads only columns the example export
// has, the source reads whole and passes the completeness guards, and the token variable it
// names is the one the example config and the demo use.
#include "agent/config.hpp"
#include "connectors/source_registry.hpp"
#include "mappings/mapping.hpp"
#include "state/source_guard.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

std::string readme_config_block() {
    const auto readme = testing::read_file(std::string(HR2SCIM_SOURCE_DIR) + "/README.md");
    auto section = readme.find("\n## Configuration");
    auto start = readme.find("```yaml\n", section);
    if (section == std::string::npos || start == std::string::npos) return {};
    start += 8;
    return readme.substr(start, readme.find("```", start) - start);
}

TEST(ReadmeConfig, WorksAsWrittenWithTheExamples) {
    const auto examples = std::filesystem::path(HR2SCIM_SOURCE_DIR) / "examples";
    const auto text = readme_config_block();
    ASSERT_FALSE(text.empty());
    Config config = parse_config(text, examples / "config.yaml");
    auto mapping = mappings::load_mapping(config.mapping);
    auto source = connectors::find_source_kind(config.source_type)->make(config.source);
    auto read = source->read();
    ASSERT_TRUE(read.complete()) << *read.failure;
    EXPECT_TRUE(read.rejections.empty());
    auto errors = mappings::check_source_attributes(mapping, read.attribute_names);
    EXPECT_TRUE(errors.empty()) << errors.front();
    EXPECT_EQ(state::completeness_problem(read.records.size(), std::nullopt, config.source_guards),
              std::nullopt);
    EXPECT_GT(config.source_guards.min_records, 0U) << "the block shows the guard in use";
    EXPECT_EQ(config.target.token_env, load_config(examples / "config.yaml").target.token_env);
    EXPECT_EQ(config.target.ca_file, std::filesystem::path())
        << "a CA file the reader lacks is shown commented out";
    const auto readme = testing::read_file(std::string(HR2SCIM_SOURCE_DIR) + "/README.md");
    EXPECT_EQ(readme.find("../shared/"), std::string::npos)
        << "a clone has no ../shared: link docs/ instead";
}

} // namespace
} // namespace hr2scim::agent
