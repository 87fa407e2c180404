#include "agent/config.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <sys/stat.h>

namespace hr2scim::agent {
namespace {

const std::string k_valid = R"(source:
  type: csv
  path: hr.csv
  key_column: id
mapping: mapping.yaml
target:
  url: https://scim.example.com/v2
  token_env: TOKEN
state: /var/lib/hr2scim/state.db
)";

std::string config_error(const std::string& yaml) {
    try {
        (void)parse_config(yaml, "/etc/hr2scim/c.yaml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "no error";
}

TEST(Config, ReadsAValidFileAndResolvesRelativePaths) {
    auto config = parse_config(k_valid, "/etc/hr2scim/c.yaml");
    EXPECT_EQ(config.source_type, "csv");
    EXPECT_EQ(config.source.get("path"), "hr.csv");
    EXPECT_EQ(config.source.get("delimiter"), ",") << "defaults are filled in";
    EXPECT_EQ(config.source.base_directory, "/etc/hr2scim");
    EXPECT_EQ(config.mapping, "/etc/hr2scim/mapping.yaml");
    EXPECT_EQ(config.state, "/var/lib/hr2scim/state.db");
    EXPECT_EQ(config.target.name, "default");
    EXPECT_EQ(config.safety.max_deactivations, 50U);
    EXPECT_EQ(config.safety.max_deactivation_percent, 20.0);
}

TEST(Config, UnknownKeysAreErrorsWithFileLineAndColumn) {
    EXPECT_EQ(config_error(k_valid + "saftey:\n  max_deactivations: 5\n"),
              "/etc/hr2scim/c.yaml:10:1: unknown key 'saftey' in the config (expected: source, "
              "join, mapping, "
              "target, state, safety, groups, log)");
    std::string bad_source = k_valid;
    bad_source.insert(bad_source.find("  key_column"), "  delimeter: ';'\n");
    EXPECT_EQ(config_error(bad_source),
              "/etc/hr2scim/c.yaml:4:3: unknown key 'delimeter' for a csv source "
              "(expected: type, path, key_column, delimiter, min_records, max_shrink_percent, "
              "case_sensitive_keys)");
}

TEST(Config, GroupPoliciesHaveDefaultsAndAreChecked) {
    auto defaults = parse_config(k_valid, "/etc/hr2scim/c.yaml");
    EXPECT_FALSE(defaults.groups.keep_deactivated_members);
    EXPECT_FALSE(defaults.groups.delete_empty_groups);
    EXPECT_EQ(defaults.groups.max_member_removal_percent, 50.0);
    EXPECT_EQ(defaults.groups.max_member_changes_per_patch, 100U);
    std::string set = k_valid + "groups:\n  members_leave_on: deletion\n  empty_groups: delete\n" +
                      "safety:\n  max_group_member_removal_percent: 30\n";
    set.insert(set.find("  token_env"), "  max_member_changes_per_patch: 25\n");
    auto config = parse_config(set, "/etc/hr2scim/c.yaml");
    EXPECT_TRUE(config.groups.keep_deactivated_members);
    EXPECT_TRUE(config.groups.delete_empty_groups);
    EXPECT_EQ(config.groups.max_member_removal_percent, 30.0);
    EXPECT_EQ(config.groups.max_member_changes_per_patch, 25U);
    EXPECT_EQ(
        config_error(k_valid + "groups:\n  members_leave_on: never\n"),
        "/etc/hr2scim/c.yaml:11:21: groups.members_leave_on must be deactivation or deletion");
    EXPECT_EQ(config_error(k_valid + "groups:\n  empty: keep\n"),
              "/etc/hr2scim/c.yaml:11:3: unknown key 'empty' in groups (expected: "
              "members_leave_on, empty_groups, managed)");
    std::string zero = k_valid;
    zero.insert(zero.find("  token_env"), "  max_member_changes_per_patch: 0\n");
    EXPECT_EQ(config_error(zero).rfind("/etc/hr2scim/c.yaml:8:33: "
                                       "target.max_member_changes_per_patch must be between 1",
                                       0),
              0U)
        << config_error(zero);
}

TEST(Config, AnInlineTokenIsRefused) {
    std::string inline_token = k_valid;
    inline_token.insert(inline_token.find("  token_env"), "  token: s3cr3t\n");
    auto error = config_error(inline_token);
    EXPECT_NE(error.find("tokens are never written in the config: use token_env or token_file"),
              std::string::npos);
    EXPECT_EQ(error.find("s3cr3t"), std::string::npos) << "the error does not echo the secret";
}

TEST(Config, ValuesAreChecked) {
    EXPECT_EQ(config_error(k_valid + "safety:\n  max_deactivation_percent: 150\n"),
              "/etc/hr2scim/c.yaml:11:29: safety.max_deactivation_percent must be between 0.000000 "
              "and 100.000000");
    std::string no_scheme = k_valid;
    no_scheme.replace(no_scheme.find("https://"), 8, "");
    EXPECT_EQ(config_error(no_scheme), "/etc/hr2scim/c.yaml:7:8: target.url must start with "
                                       "https:// (or http:// for a local test server)");
    std::string ldap = k_valid;
    ldap.replace(ldap.find("type: csv"), 9, "type: workday");
    EXPECT_EQ(config_error(ldap), "/etc/hr2scim/c.yaml:2:9: unknown source type 'workday' (known: "
                                  "csv, ldif, ldap, http_api)");
    EXPECT_EQ(config_error("source: [\n"),
              "/etc/hr2scim/c.yaml:2:1: end of sequence flow not found");
}

TEST(Config, TokensComeFromTheEnvironmentOrAFile) {
    TargetConfig target;
    target.token_env = "HR2SCIM_CONFIG_TEST_TOKEN";
    ::setenv("HR2SCIM_CONFIG_TEST_TOKEN", "from-env", 1);
    EXPECT_EQ(resolve_token(target), "from-env");
    ::unsetenv("HR2SCIM_CONFIG_TEST_TOKEN");
    EXPECT_THROW((void)resolve_token(target), ConfigError);

    testing::TempDir dir;
    TargetConfig from_file;
    from_file.token_file = dir.write("token", "from-file\n");
    ::chmod(from_file.token_file.c_str(), 0644);
    try {
        (void)resolve_token(from_file);
        ADD_FAILURE() << "a token file others can read is refused";
    } catch (const ConfigError& error) {
        EXPECT_NE(std::string(error.what()).find("chmod 600 " + from_file.token_file.string()),
                  std::string::npos)
            << error.what();
    }
    ::chmod(from_file.token_file.c_str(), 0600);
    EXPECT_EQ(resolve_token(from_file), "from-file");
}

} // namespace
} // namespace hr2scim::agent
