// Every example config the README points at loads: its keys, its mapping and the options
// of each of its sources.
#include "agent/config.hpp"
#include "connectors/source_registry.hpp"
#include "mappings/mapping.hpp"

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>

namespace hr2scim::agent {
namespace {

const std::filesystem::path k_examples = std::filesystem::path(HR2SCIM_SOURCE_DIR) / "examples";

// Examples name the reader's own CA file (/etc/ssl/certs/example-ca.pem) and client
// certificate (/etc/hr2scim/adp.crt), which this machine lacks; every other option must be
// accepted.
void expect_source_loads(const std::string& type, const connectors::SourceOptions& options) {
    try {
        (void)connectors::find_source_kind(type)->make(options);
    } catch (const connectors::OptionError& error) {
        const std::string what = error.what();
        if (error.option == "ca_file") {
            EXPECT_NE(what.find("cannot read /etc/ssl/certs/"), std::string::npos) << what;
        } else {
            EXPECT_EQ(error.option, "client_certificate") << what;
            EXPECT_NE(what.find("cannot read /etc/hr2scim/"), std::string::npos) << what;
        }
    }
}

void expect_loads(const std::filesystem::path& file) {
    SCOPED_TRACE(file.string());
    Config config = load_config(file);
    auto mapping = mappings::load_mapping(config.mapping);
    EXPECT_FALSE(mapping.rules.empty());
    expect_source_loads(config.source_type, config.source);
    for (const auto& join : config.joins)
        expect_source_loads(join.source_type, join.source);
}

TEST(Examples, EveryExampleConfigLoads) {
    ::setenv("LDAP_BIND_PASSWORD", "example", 1);
    ::setenv("BAMBOOHR_API_KEY", "example", 1);
    for (const char* variable :
         {"WORKDAY_ISU_PASSWORD", "PERSONIO_CLIENT_SECRET", "HIBOB_SERVICE_TOKEN",
          "SUCCESSFACTORS_PASSWORD", "ADP_CLIENT_SECRET", "WORKDAY_CLIENT_SECRET",
          "WORKDAY_REFRESH_TOKEN"})
        ::setenv(variable, "example", 1);
    expect_loads(k_examples / "config.yaml");
    size_t count = 1;
    for (const auto& entry : std::filesystem::directory_iterator(k_examples / "sources")) {
        expect_loads(entry.path());
        ++count;
    }
    EXPECT_GE(count, 11U);
}

} // namespace
} // namespace hr2scim::agent
