// Source presets (connectors/source_preset.hpp) as the config reads them, and each preset's
// mapping against the fields the preset names.
#include "agent/config.hpp"
#include "connectors/source_preset.hpp"
#include "connectors/source_registry.hpp"
#include "mappings/mapping.hpp"
#include "mappings/preset_mappings.hpp"

#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

const std::string k_target = "target:\n  url: https://t.example.com/scim/v2\n  token_env: T\n"
                             "state: s.db\n";

std::string error_of(const std::string& yaml) {
    try {
        (void)parse_config(yaml, "/etc/hr2scim/c.yaml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "(no error)";
}

TEST(SourcePresets, APresetFillsTheSourceAndBringsItsMapping) {
    auto config = parse_config("source:\n  preset: bamboohr\n  company: acme\n" + k_target,
                               "/etc/hr2scim/c.yaml");
    EXPECT_EQ(config.source_type, "http_api");
    EXPECT_EQ(config.source.get("url"),
              "https://api.bamboohr.com/api/gateway.php/acme/v1/reports/custom?format=JSON");
    EXPECT_EQ(config.source.get("method"), "POST");
    EXPECT_EQ(config.source.get("fields.manager_id"), "supervisorEId?");
    EXPECT_EQ(config.mapping, "preset:bamboohr");
}

TEST(SourcePresets, TheConfigOverridesWhatThePresetSetsFieldByField) {
    auto config =
        parse_config("source:\n  preset: personio\n  base_url: http://127.0.0.1:9\n"
                     "  page_size: 50\n  client_id: c\n"
                     "  fields:\n    department: attributes.dynamic_99.value\n"
                     "    office: ''\n"
                     "    cost_center: {path: attributes.cost_centers.value.attributes.name, "
                     "optional: true}\n"
                     "mapping: my-mapping.yaml\n" +
                         k_target,
                     "/etc/hr2scim/c.yaml");
    EXPECT_EQ(config.source.get("url"), "http://127.0.0.1:9/v1/company/employees");
    EXPECT_EQ(config.source.get("token_url"), "http://127.0.0.1:9/v1/auth");
    EXPECT_EQ(config.source.get("page_size"), "50");
    EXPECT_EQ(config.source.get("fields.department"), "attributes.dynamic_99.value");
    EXPECT_FALSE(config.source.values.contains("fields.office")) << "'' leaves the field out";
    EXPECT_EQ(config.source.get("fields.cost_center"),
              "attributes.cost_centers.value.attributes.name?");
    EXPECT_EQ(config.source.get("fields.email"), "attributes.email.value");
    EXPECT_EQ(config.mapping, "/etc/hr2scim/my-mapping.yaml");
}

TEST(SourcePresets, MistakesAreNamedWithTheWayOut) {
    EXPECT_NE(error_of("source:\n  preset: bambohr\n" + k_target)
                  .find("unknown source preset 'bambohr'; did you mean 'bamboohr'?"),
              std::string::npos)
        << error_of("source:\n  preset: bambohr\n" + k_target);
    EXPECT_NE(error_of("source:\n  preset: bamboohr\n" + k_target)
                  .find("the bamboohr preset needs 'company' (your BambooHR subdomain"),
              std::string::npos);
    EXPECT_NE(error_of("source:\n  preset: bamboohr\n  company: a\n  compnay: b\n" + k_target)
                  .find("unknown key 'compnay' for a bamboohr (http_api) source; did you mean "
                        "'company'?"),
              std::string::npos);
    EXPECT_NE(error_of("source:\n  preset: bamboohr\n  type: csv\n  company: a\n" + k_target)
                  .find("the bamboohr preset is a http_api source; leave type out"),
              std::string::npos);
    EXPECT_NE(error_of("source:\n  preset: personio\n  fields: department\n" + k_target)
                  .find("source.fields must be a map"),
              std::string::npos);
    EXPECT_NE(
        error_of(
            "source:\n  type: csv\n  path: a.csv\n  key_column: id\nmapping: preset:personi\n" +
            k_target)
            .find("no mapping preset 'personi' (there are: "),
        std::string::npos);
}

TEST(SourcePresets, AFieldPathThatCannotBeReadIsRefusedByName) {
    auto config = parse_config("source:\n  preset: personio\n  client_id: c\n"
                               "  fields:\n    department: attributes..value\n" +
                                   k_target,
                               "/etc/hr2scim/c.yaml");
    ::setenv("PERSONIO_CLIENT_SECRET", "secret-for-the-test", 1);
    try {
        (void)connectors::find_source_kind("http_api")->make(config.source);
        ADD_FAILURE() << "a malformed path was accepted";
    } catch (const connectors::OptionError& error) {
        EXPECT_EQ(error.option, "fields.department");
        EXPECT_NE(std::string(error.what()).find("empty member name"), std::string::npos)
            << error.what();
    }
}

// What an admin gets from `preset:` must work together: the preset's mapping reads only the
// fields the preset names, and every preset says which vendor page it follows.
TEST(SourcePresets, EachPresetsMappingReadsOnlyTheFieldsThePresetNames) {
    for (const auto* preset : connectors::source_presets()) {
        SCOPED_TRACE(std::string(preset->name));
        EXPECT_TRUE(preset->documented.starts_with("https://")) << preset->documented;
        auto text = mappings::preset_mapping_text(preset->mapping);
        ASSERT_TRUE(text.has_value()) << text.error();
        auto mapping =
            mappings::parse_mapping(std::string(*text), "preset:" + std::string(preset->mapping));
        std::vector<std::string> fields;
        for (const auto& field : preset->fields)
            fields.emplace_back(field.name);
        auto errors = mappings::check_source_attributes(mapping, fields);
        EXPECT_TRUE(errors.empty()) << errors.front();
        EXPECT_FALSE(mapping.groups.empty()) << "department groups";
    }
}

} // namespace
} // namespace hr2scim::agent
