// Every example config the README points at loads: its keys, its mapping and the options
// of each of its sources.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "agent/config.hpp"
#include "connectors/source_registry.hpp"
#include "mappings/mapping.hpp"

namespace hr2scim::agent {
namespace {

const std::filesystem::path k_examples = std::filesystem::path(HR2SCIM_SOURCE_DIR) / "examples";

void expect_loads(const std::filesystem::path& file) {
    SCOPED_TRACE(file.string());
    Config config = load_config(file);
    auto mapping = mappings::load_mapping(config.mapping);
    EXPECT_FALSE(mapping.rules.empty());
    EXPECT_NO_THROW((void)connectors::find_source_kind(config.source_type)->make(config.source));
    for (const auto& join : config.joins)
        EXPECT_NO_THROW((void)connectors::find_source_kind(join.source_type)->make(join.source));
}

TEST(Examples, EveryExampleConfigLoads) {
    ::setenv("LDAP_BIND_PASSWORD", "example", 1);
    ::setenv("BAMBOOHR_API_KEY", "example", 1);
    ::setenv("WORKDAY_ISU_PASSWORD", "example", 1);
    expect_loads(k_examples / "config.yaml");
    size_t count = 1;
    for (const auto& entry : std::filesystem::directory_iterator(k_examples / "sources")) {
        expect_loads(entry.path());
        ++count;
    }
    EXPECT_GE(count, 6U);
}

} // namespace
} // namespace hr2scim::agent
