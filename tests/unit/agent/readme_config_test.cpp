// The configuration reference's block (the first YAML block under the heading
// "Configuration", docs/configuration.md) is usable as written: it loads as a config next to
// examples/, its mapping and source load, the mapping reads only columns the example export
// has, the source reads whole and passes the completeness guards, and the token variable it
// names is the one the example config and the demo use.
#include "agent/config.hpp"
#include "connectors/source_registry.hpp"
#include "mappings/mapping.hpp"
#include "state/source_guard.hpp"
#include "tests/support/documentation.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

std::string documented_config_block() {
    const auto section = testing::documentation_section("Configuration");
    if (!section) return {};
    const auto blocks = testing::fenced_blocks(section->text, "yaml");
    return blocks.empty() ? std::string() : blocks.front();
}

TEST(ReadmeConfig, WorksAsWrittenWithTheExamples) {
    const auto examples = std::filesystem::path(HR2SCIM_SOURCE_DIR) / "examples";
    const auto text = documented_config_block();
    ASSERT_FALSE(text.empty()) << "no page has one section \"Configuration\" with a YAML block";
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
    for (const auto& page : testing::documentation_pages())
        EXPECT_EQ(page.text.find("../shared/"), std::string::npos)
            << page.path << ": a clone has no ../shared: link docs/ instead";
}

} // namespace
} // namespace hr2scim::agent
