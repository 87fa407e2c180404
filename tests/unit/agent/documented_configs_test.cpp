// Every config example of the documentation loads, on whichever page it is. A YAML block with
// a source: is a whole config, read as if it sat in examples/; a block without one is a part of
// a config (a target, a join, a source section alone), read in place of the same keys of the
// configuration reference's block (the first under "Configuration", itself checked whole by
// readme_config_test.cpp). The sources each config names are made with their options. Mapping
// blocks (the section "Mapping", and any block with attributes:) are the mapping tests'.
#include "agent/config.hpp"
#include "connectors/source_registry.hpp"
#include "tests/support/documentation.hpp"
#include "tests/support/scoped_environment.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace hr2scim::agent {
namespace {

// The documented LDAP and HR API sources name the reader's own CA file and client
// certificate; every other option must be accepted.
void expect_source_loads(const std::string& type, const connectors::SourceOptions& options) {
    try {
        (void)connectors::find_source_kind(type)->make(options);
    } catch (const connectors::OptionError& error) {
        EXPECT_TRUE(error.option == "ca_file" || error.option == "client_certificate")
            << error.what();
    }
}

using testing::ScopedEnvironment;

// `part`'s top-level keys in place of the same keys of `whole`.
std::string put_over(const std::string& whole, const std::string& part) {
    YAML::Node merged = YAML::Load(whole);
    for (const auto& entry : YAML::Load(part))
        merged[entry.first.as<std::string>()] = entry.second;
    YAML::Emitter out;
    out << merged;
    return out.c_str();
}

TEST(DocumentedConfigs, EveryConfigExampleLoads) {
    const testing::TempDir credentials;
    for (const char* name : {"scim-token", "crm-token", "wiki-token"})
        (void)credentials.write(name, "example");
    const ScopedEnvironment credentials_directory("CREDENTIALS_DIRECTORY",
                                                  credentials.path().string());
    const ScopedEnvironment tenant("TENANT", "example");
    const ScopedEnvironment ldap_password("LDAP_BIND_PASSWORD", "example");
    const ScopedEnvironment client_secret("HR2SCIM_CLIENT_SECRET", "example");
    std::vector<std::unique_ptr<ScopedEnvironment>> preset_secrets;
    for (const char* variable :
         {"PERSONIO_CLIENT_SECRET", "BAMBOOHR_API_KEY", "HIBOB_SERVICE_TOKEN",
          "SUCCESSFACTORS_PASSWORD", "ADP_CLIENT_SECRET", "WORKDAY_ISU_PASSWORD",
          "WORKDAY_CLIENT_SECRET", "WORKDAY_REFRESH_TOKEN"})
        preset_secrets.push_back(std::make_unique<ScopedEnvironment>(variable, "example"));

    const auto reference_section = testing::documentation_section("Configuration");
    ASSERT_TRUE(reference_section) << "no page, or more than one, has a section \"Configuration\"";
    const auto reference_blocks = testing::fenced_blocks(reference_section->text, "yaml");
    ASSERT_FALSE(reference_blocks.empty());
    const std::string reference = reference_blocks.front();

    std::string mapping_section;
    if (auto section = testing::documentation_section("Mapping")) mapping_section = section->text;
    ASSERT_FALSE(mapping_section.empty()) << "the mapping reference was not found";

    const auto examples = std::filesystem::path(HR2SCIM_SOURCE_DIR) / "examples";
    std::map<std::filesystem::path, size_t> checked;
    for (const auto& page : testing::documentation_pages()) {
        for (const auto& block : testing::fenced_blocks(page.text, "yaml")) {
            if (mapping_section.find(block) != std::string::npos) continue;
            const YAML::Node top = YAML::Load(block);
            if (!top.IsMap() || top["attributes"]) continue; // alert rules, a mapping
            SCOPED_TRACE(page.path.string() + ":\n" + block);
            // A source section alone (a preset's example) is read in the reference's place.
            const bool whole = top["source"] && (top["target"] || top["targets"]);
            const std::string text = whole ? block : put_over(reference, block);
            try {
                Config config = parse_config(text, examples / "config.yaml");
                expect_source_loads(config.source_type, config.source);
                for (const auto& join : config.joins)
                    expect_source_loads(join.source_type, join.source);
                ++checked[page.path];
            } catch (const std::exception& error) {
                ADD_FAILURE() << error.what();
            }
        }
    }
    // The pages with config examples: the README's first sync, the reference and its
    // ${…} references, a joined source, OAuth2, several targets, Entra inbound and the webhooks.
    EXPECT_EQ(checked["README.md"], 1U);
    EXPECT_EQ(checked["docs/configuration.md"], 2U);
    EXPECT_EQ(checked["docs/sources.md"], 8U); // a joined source, and the seven presets
    EXPECT_EQ(checked["docs/targets.md"], 3U); // OAuth2, several targets, Entra inbound
    EXPECT_EQ(checked["docs/operations.md"], 1U);
}

} // namespace
} // namespace hr2scim::agent
