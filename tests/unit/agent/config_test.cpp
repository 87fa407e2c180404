#include "agent/config.hpp"
#include "http/secrets.hpp"
#include "tests/support/scoped_environment.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <vector>

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
    EXPECT_EQ(config.source.get("delimiter"), "auto") << "defaults are filled in";
    EXPECT_EQ(config.source.get("encoding"), "utf-8");
    EXPECT_EQ(config.source.base_directory, "/etc/hr2scim");
    EXPECT_EQ(config.mapping, "/etc/hr2scim/mapping.yaml");
    EXPECT_EQ(config.state, "/var/lib/hr2scim/state.db");
    EXPECT_EQ(config.target.name, "default");
    EXPECT_EQ(config.safety.max_deactivations, 50U);
    EXPECT_EQ(config.safety.max_deactivation_percent, 20.0);
}

TEST(Config, UnknownKeysAreErrorsWithFileLineAndColumn) {
    EXPECT_EQ(config_error(k_valid + "saftey:\n  max_deactivations: 5\n"),
              "/etc/hr2scim/c.yaml:10:1: unknown key 'saftey' in the config; did you mean "
              "'safety'? (expected: source, "
              "join, mapping, target, "
              "targets, state, safety, groups, log, metrics, audit, notify)");
    std::string bad_source = k_valid;
    bad_source.insert(bad_source.find("  key_column"), "  delimeter: ';'\n");
    EXPECT_EQ(config_error(bad_source),
              "/etc/hr2scim/c.yaml:4:3: unknown key 'delimeter' for a csv source; did you mean "
              "'delimiter'? (expected: type, path, key_column, delimiter, encoding, min_records, "
              "max_shrink_percent, case_sensitive_keys)");
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
    EXPECT_EQ(error, "/etc/hr2scim/c.yaml:8:10: secrets are never written in the config: write "
                     "token: ${NAME} (an environment variable), ${file:PATH} or "
                     "${credential:NAME} (systemd's LoadCredential=), or use token_env or "
                     "token_file");
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
              "/etc/hr2scim/c.yaml:2:1: end of sequence flow not found; a '[' without its "
              "closing ']' (or a quote left open)");
}

// What people get wrong editing YAML by hand, with yaml-cpp's words and then plain ones.
TEST(Config, YamlMistakesAreExplainedInPlainWords) {
    EXPECT_EQ(config_error("source:\n  type: csv\n  path: hr.csv\n   key_column: id\n"),
              "/etc/hr2scim/c.yaml:4:14: illegal map value; usually a key indented more or less "
              "than the keys beside it, or a value holding ': ' that needs quotes");
    EXPECT_EQ(config_error("source:\n\ttype: csv\n"),
              "/etc/hr2scim/c.yaml:2:6: illegal map value; a tab in the indentation: YAML "
              "indents with spaces only");
    EXPECT_EQ(config_error("source: {type: csv\n"),
              "/etc/hr2scim/c.yaml:2:1: end of map flow not found; a '{' without its closing "
              "'}' (or a quote left open)");
    EXPECT_EQ(config_error("source:\n  - type: csv\n  path: hr.csv\n"),
              "/etc/hr2scim/c.yaml:3:3: end of map not found; usually a line indented "
              "differently from the block it belongs to");
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

const std::string k_two_targets = R"(source:
  type: csv
  path: hr.csv
  key_column: id
mapping: mapping.yaml
safety:
  max_deactivations: 7
targets:
  - name: crm
    url: https://crm.example.com/scim/v2
    token_env: CRM_TOKEN
  - name: wiki
    url: https://wiki.example.com/scim/v2
    token_env: WIKI_TOKEN
    mapping: wiki.yaml
    profile: put_only
    operations: { deactivate: false }
    safety: { max_deactivations: 2 }
state: /var/lib/hr2scim/state.db
)";

TEST(ConfigTargets, EachTargetHasItsOwnMappingSafetyAndSwitchesWithTheTopLevelAsDefaults) {
    auto config = parse_config(k_two_targets, "/etc/hr2scim/c.yaml");
    auto each = one_config_per_target(config);
    ASSERT_EQ(each.size(), 2U);
    EXPECT_EQ(each[0].target.name, "crm");
    EXPECT_EQ(each[0].mapping, "/etc/hr2scim/mapping.yaml");
    EXPECT_EQ(each[0].safety.max_deactivations, 7U) << "the top-level safety";
    EXPECT_EQ(each[1].target.name, "wiki");
    EXPECT_EQ(each[1].mapping, "/etc/hr2scim/wiki.yaml");
    EXPECT_EQ(each[1].safety.max_deactivations, 2U);
    EXPECT_EQ(each[1].target.profile, scim::Dialect::put_only);
    EXPECT_FALSE(each[1].target.operations.deactivate);
    EXPECT_TRUE(each[0].target.operations.deactivate);
    EXPECT_EQ(each[0].state, each[1].state) << "one state, keyed by target";
    auto only = one_config_per_target(config, "wiki");
    ASSERT_EQ(only.size(), 1U);
    EXPECT_EQ(only[0].target.name, "wiki");
    auto single = one_config_per_target(parse_config(k_valid, "/etc/hr2scim/c.yaml"));
    ASSERT_EQ(single.size(), 1U) << "a one-target config works unchanged";
    EXPECT_EQ(single[0].target.name, "default");
}

TEST(ConfigTargets, MistakesAreNamed) {
    auto twice = k_two_targets;
    twice.replace(twice.find("name: wiki"), 10, "name: crm");
    EXPECT_EQ(config_error(twice), "/etc/hr2scim/c.yaml:12:11: two targets are named 'crm'");
    auto both = k_two_targets + "target:\n  url: https://x.example.com\n  token_env: X\n";
    EXPECT_NE(config_error(both).find("target and targets say the same thing"), std::string::npos)
        << config_error(both);
    auto unnamed = k_two_targets;
    unnamed.replace(unnamed.find("name: crm\n    "), 14, "");
    EXPECT_NE(config_error(unnamed).find("each of targets needs a name"), std::string::npos)
        << config_error(unnamed);
    auto no_mapping = k_two_targets;
    no_mapping.replace(no_mapping.find("mapping: mapping.yaml\n"), 22, "");
    EXPECT_EQ(config_error(no_mapping),
              "/etc/hr2scim/c.yaml:8:5: target crm has no mapping (and the config names none "
              "for every target)");
    auto unknown_key = k_two_targets;
    unknown_key.insert(unknown_key.find("    token_env: CRM_TOKEN"), "    mappings: x.yaml\n");
    EXPECT_NE(config_error(unknown_key).find("unknown key 'mappings' in target"), std::string::npos)
        << config_error(unknown_key);
}

using testing::ScopedEnvironment;

std::string with_target_line(const std::string& line) {
    std::string yaml = k_valid;
    yaml.replace(yaml.find("  token_env: TOKEN\n"), 19, line);
    return yaml;
}

TEST(ConfigReferences, EnvironmentVariablesAreResolvedInAnyValue) {
    ScopedEnvironment tenant("HR2SCIM_TEST_TENANT", "acme");
    ScopedEnvironment concurrency("HR2SCIM_TEST_CONCURRENCY", "3");
    auto yaml = k_valid;
    yaml.replace(yaml.find("scim.example.com"), 16, "${HR2SCIM_TEST_TENANT}.example.com");
    yaml.insert(yaml.find("  token_env"), "  max_concurrency: ${HR2SCIM_TEST_CONCURRENCY}\n"
                                          "  name: ${HR2SCIM_TEST_UNSET:-fallback}-$${literal}\n");
    auto config = parse_config(yaml, "/etc/hr2scim/c.yaml");
    EXPECT_EQ(config.target.url, "https://acme.example.com/v2");
    EXPECT_EQ(config.target.max_concurrency, 3U) << "a number may come from a reference";
    EXPECT_EQ(config.target.name, "fallback-${literal}");

    auto unset = k_valid;
    unset.replace(unset.find("hr.csv"), 6, "${HR2SCIM_TEST_UNSET}/hr.csv");
    EXPECT_EQ(config_error(unset), "/etc/hr2scim/c.yaml:3:9: the environment variable "
                                   "HR2SCIM_TEST_UNSET is not set (write "
                                   "${HR2SCIM_TEST_UNSET:-fallback} for a default)");
    auto open = k_valid;
    open.replace(open.find("hr.csv"), 6, "${HR2SCIM_TEST_TENANT");
    EXPECT_EQ(config_error(open), "/etc/hr2scim/c.yaml:3:9: a reference opened with ${ has no "
                                  "closing } (write $${ for a literal ${)");
    auto bad_name = k_valid;
    bad_name.replace(bad_name.find("hr.csv"), 6, "${1x}");
    EXPECT_EQ(config_error(bad_name),
              "/etc/hr2scim/c.yaml:3:9: ${1x}: expected ${NAME}, ${NAME:-fallback}, "
              "${file:PATH} or ${credential:NAME}");
}

TEST(ConfigReferences, SecretKeysTakeOneReferenceAndBecomeTheirEnvOrFileForm) {
    auto from_env = parse_config(with_target_line("  token: ${SCIM_TOKEN}\n"), "/etc/h/c.yaml");
    EXPECT_EQ(from_env.target.token_env, "SCIM_TOKEN");
    EXPECT_TRUE(from_env.target.token_file.empty());
    auto from_file =
        parse_config(with_target_line("  token: ${file:secrets/token}\n"), "/etc/h/c.yaml");
    EXPECT_EQ(from_file.target.token_file, "/etc/h/secrets/token")
        << "relative to the config's folder";

    auto mixed = with_target_line("  token: Bearer-${SCIM_TOKEN}\n");
    EXPECT_NE(config_error(mixed).find("8:10: secrets are never written in the config"),
              std::string::npos)
        << config_error(mixed);
    EXPECT_EQ(config_error(with_target_line("  token: ${SCIM_TOKEN}\n  token_env: X\n")),
              "/etc/hr2scim/c.yaml:8:10: token and token_env or token_file say the same thing; "
              "keep one");
    EXPECT_EQ(config_error(with_target_line("  token: ${SCIM_TOKEN:-abc}\n")),
              "/etc/hr2scim/c.yaml:8:10: a secret has no fallback: remove :-abc");

    // A source's secrets take the same form (the LDAP bind password here).
    auto ldap = k_valid;
    ldap.replace(ldap.find("  type: csv\n  path: hr.csv\n  key_column: id\n"), 44,
                 "  type: ldap\n  url: ldap://127.0.0.1\n  base_dn: dc=x\n  key_attribute: uid\n"
                 "  bind_dn: cn=admin\n  password: ${LDAP_BIND_PASSWORD}\n");
    auto config = parse_config(ldap, "/etc/hr2scim/c.yaml");
    EXPECT_EQ(config.source.get("password_env"), "LDAP_BIND_PASSWORD");
}

TEST(ConfigReferences, FilesAndSystemdCredentialsAreReadAsSecrets) {
    testing::TempDir dir;
    auto tenant = dir.write("tenant", "acme\n");
    ::chmod(tenant.c_str(), 0600);
    auto credentials = dir.path() / "credentials";
    std::filesystem::create_directory(credentials);
    auto token = credentials / "scim-token";
    { std::ofstream(token) << "credential-token-value\n"; }
    ::chmod(token.c_str(), 0400); // as systemd writes a credential

    auto yaml = with_target_line("  token: ${credential:scim-token}\n");
    yaml.replace(yaml.find("scim.example.com"), 16, "${file:tenant}.example.com");
    const auto config_file = dir.path() / "c.yaml";
    {
        ScopedEnvironment directory("CREDENTIALS_DIRECTORY", credentials.string());
        auto config = parse_config(yaml, config_file);
        EXPECT_EQ(config.target.url, "https://acme.example.com/v2");
        EXPECT_EQ(config.target.token_file, token);
        EXPECT_EQ(resolve_token(config.target), "credential-token-value");
        EXPECT_EQ(http::redact_secrets("sent credential-token-value"), "sent REDACTED");
        EXPECT_EQ(http::redact_secrets("tenant acme"), "tenant REDACTED")
            << "what a file reference read is treated as a secret";
    }
    try {
        (void)parse_config(yaml, config_file);
        ADD_FAILURE() << "a credential without $CREDENTIALS_DIRECTORY is an error";
    } catch (const ConfigError& error) {
        EXPECT_EQ(std::string(error.what()),
                  config_file.string() +
                      ":8:10: ${credential:scim-token}: $CREDENTIALS_DIRECTORY is not set "
                      "(systemd sets it for a unit with LoadCredential=scim-token:PATH)");
    }
    ::chmod(tenant.c_str(), 0644);
    try {
        (void)parse_config(yaml, config_file);
        ADD_FAILURE() << "a file others can read is refused";
    } catch (const ConfigError& error) {
        EXPECT_NE(std::string(error.what()).find("${file:tenant}: "), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("chmod 600"), std::string::npos) << error.what();
    }
    auto escape = with_target_line("  token: ${credential:../token}\n");
    EXPECT_NE(config_error(escape).find("a credential is named as in LoadCredential=NAME:..., "
                                        "without /"),
              std::string::npos)
        << config_error(escape);
}

} // namespace
} // namespace hr2scim::agent

namespace hr2scim::agent {
namespace {

// Nine levels of nine aliases each: 9^9 nodes for whatever walks the tree.
std::string alias_bomb(const std::string& key) {
    std::string yaml = key + ":\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (char level = 'b'; level <= 'i'; ++level) {
        const char below = static_cast<char>(level - 1);
        yaml += std::string("  ") + level + ": &" + level + " [";
        for (int i = 0; i < 9; ++i)
            yaml += std::string(i ? ", " : "") + "*" + below;
        yaml += "]\n";
    }
    return yaml;
}

TEST(ConfigHostile, AnAliasBombIsRefusedAtOnceWithItsPlace) {
    const auto started = std::chrono::steady_clock::now();
    const auto error = config_error(k_valid + alias_bomb("x-bomb"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(error.rfind("/etc/hr2scim/c.yaml:", 0), 0U) << error;
    EXPECT_NE(error.find(": the YAML expands to more than 100000 nodes (aliases of aliases: a "
                         "\"billion laughs\"?); refused"),
              std::string::npos)
        << error;
    // A few aliases, as people use them, are fine.
    EXPECT_EQ(config_error(k_valid + "safety: &limits\n  max_deactivations: 5\n"), "no error");
}

TEST(ConfigHostile, TextThatIsNotUtf8IsRefusedWithItsPlace) {
    auto yaml = k_valid;
    yaml.insert(yaml.find("  url:"), "  name: \"okta\xff\"\n");
    EXPECT_EQ(config_error(yaml),
              "/etc/hr2scim/c.yaml:7:9: not valid UTF-8 (at byte 5 of this text)");
}

TEST(ConfigHostile, AUrlWithALineBreakOrAControlCharacterIsRefused) {
    auto with_url = [](const std::string& url) {
        auto yaml = k_valid;
        yaml.replace(yaml.find("https://scim.example.com/v2"), 27, url);
        return yaml;
    };
    EXPECT_EQ(config_error(with_url("\"https://scim.example.com/v2\\r\\nX-Injected: yes\"")),
              "/etc/hr2scim/c.yaml:7:8: target.url holds a control character or a space (at "
              "character 28); refused");
    EXPECT_EQ(config_error(with_url("\"https://scim.example.com/v2\\t\"")),
              "/etc/hr2scim/c.yaml:7:8: target.url holds a control character or a space (at "
              "character 28); refused");
    auto oauth = k_valid;
    oauth.replace(oauth.find("  token_env: TOKEN\n"), 18,
                  "  auth: oauth2\n  token_url: \"https://id.example.com/token\\n\"\n"
                  "  client_id: c\n  client_secret_env: SECRET\n");
    EXPECT_EQ(config_error(oauth), "/etc/hr2scim/c.yaml:9:14: target.token_url holds a control "
                                   "character or a space (at character 29); refused");
}

TEST(ConfigHostile, OnlyARegularFileOfABoundedSizeIsRead) {
    testing::TempDir dir;
    const auto fifo = dir.path() / "config.yaml";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto big = dir.path() / "big.yaml";
    { std::ofstream(big) << "# big\n"; }
    std::filesystem::resize_file(big, k_max_config_file_bytes + 1);
    const std::vector<std::pair<std::filesystem::path, std::string>> cases = {
        {fifo, "not a regular file (a FIFO, a device or a folder); refused"},
        {"/dev/zero", "not a regular file (a FIFO, a device or a folder); refused"},
        {dir.path(), "not a regular file (a FIFO, a device or a folder); refused"},
        {big, "it is 16777217 bytes, more than 16777216; refused"},
    };
    for (const auto& [path, why] : cases) {
        try {
            (void)load_config(path); // a FIFO without a writer must not block
            ADD_FAILURE() << path;
        } catch (const ConfigError& error) {
            EXPECT_EQ(std::string(error.what()),
                      "cannot open config file " + path.string() + ": " + why);
        }
    }
    (void)dir.write("ok.yaml", k_valid);
    EXPECT_EQ(read_text_file(dir.path() / "ok.yaml", "config file"), k_valid);
}

TEST(Config, AbsenceIsConfirmedOverTwoReadsUnlessTheSafetyKeysSayOtherwise) {
    const std::string valid = k_valid;
    auto defaults = parse_config(valid, "/etc/hr2scim/c.yaml");
    EXPECT_EQ(defaults.safety.confirm_absence, 2U);
    EXPECT_FALSE(defaults.safety.confirm_absence_after.has_value());
    auto set = parse_config(valid + "safety:\n  confirm_absence: 3\n  confirm_absence_after: 12h\n",
                            "/etc/hr2scim/c.yaml");
    EXPECT_EQ(set.safety.confirm_absence, 3U);
    EXPECT_EQ(set.safety.confirm_absence_after, std::chrono::hours(12));
    EXPECT_EQ(config_error(valid + "safety:\n  confirm_absence: 0\n"),
              "/etc/hr2scim/c.yaml:11:20: safety.confirm_absence must be between 1 and 1000");
    EXPECT_EQ(config_error(valid + "safety:\n  confirm_absence_after: 12\n"),
              "/etc/hr2scim/c.yaml:11:26: safety.confirm_absence_after must be an interval (30m, "
              "12h, 7d)");
}

} // namespace
} // namespace hr2scim::agent

namespace hr2scim::agent {
namespace {

// atlassian, salesforce and github DELETE for good (or only deactivate, and the account is
// gone): no DELETE unless target.operations.delete says so. Other profiles keep the default.
TEST(Config, ProfilesWhoseDeleteCannotBeUndoneDeleteOnlyWhenTheConfigSaysSo) {
    auto with = [](const std::string& lines) {
        std::string yaml = k_valid;
        yaml.insert(yaml.find("  token_env"), lines);
        return parse_config(yaml, "/etc/hr2scim/c.yaml");
    };
    for (const char* profile : {"atlassian", "salesforce", "github"}) {
        const std::string named = std::string("  profile: ") + profile + "\n";
        EXPECT_FALSE(with(named).target.operations.remove) << profile;
        EXPECT_TRUE(with(named).target.operations.deactivate) << profile;
        EXPECT_TRUE(with(named + "  operations: { delete: true }\n").target.operations.remove)
            << profile;
        EXPECT_FALSE(with(named + "  operations: { create: true }\n").target.operations.remove)
            << profile;
    }
    for (const char* profile : {"auto", "slack", "aws_identity_center", "entra"})
        EXPECT_TRUE(with(std::string("  profile: ") + profile + "\n").target.operations.remove)
            << profile;
}

// A vendor's rolling 24-hour allocation: a count, held across runs; a bad one names its key.
TEST(Config, BudgetsDailyCapsAreCountsNamedWhereWrong) {
    auto with = [](const std::string& lines) {
        std::string yaml = k_valid;
        yaml.insert(yaml.find("  token_env"), lines);
        return parse_config(yaml, "/etc/hr2scim/c.yaml").target;
    };
    auto plain = with("");
    EXPECT_FALSE(plain.writes_per_day);
    EXPECT_FALSE(plain.requests_per_day);
    auto capped = with("  budget:\n    writes_per_day: 5000\n    requests_per_day: 100000\n");
    EXPECT_EQ(capped.writes_per_day, 5000U);
    EXPECT_EQ(capped.requests_per_day, 100000U);

    for (auto [wrong, key] :
         {std::pair{"  budget:\n    writes_per_day: 0\n", "target.budget.writes_per_day"},
          std::pair{"  budget:\n    writes_per_day: lots\n", "target.budget.writes_per_day"},
          std::pair{"  budget:\n    requests_per_day: -5\n", "target.budget.requests_per_day"},
          std::pair{"  budget:\n    requests_per_day: 5000/day\n",
                    "target.budget.requests_per_day"},
          std::pair{"  budget:\n    writes_a_day: 10\n", "writes_per_day"}}) {
        try {
            (void)with(wrong);
            ADD_FAILURE() << "accepted: " << wrong;
        } catch (const ConfigError& error) {
            EXPECT_NE(std::string(error.what()).find(key), std::string::npos) << error.what();
            EXPECT_NE(std::string(error.what()).find("c.yaml:"), std::string::npos) << error.what();
        }
    }
}

// A target's budget: what the config says, else what the application publishes.
TEST(Config, BudgetsComeFromTheConfigOrTheProfilesPublishedFigures) {
    using std::chrono::hours;
    using std::chrono::minutes;
    auto with = [](const std::string& lines) {
        std::string yaml = k_valid;
        yaml.insert(yaml.find("  token_env"), lines);
        return parse_config(yaml, "/etc/hr2scim/c.yaml").target;
    };
    auto plain = with("");
    EXPECT_FALSE(plain.budget.writes);
    EXPECT_FALSE(plain.operations_per_run);

    auto slack = with("  profile: slack\n");
    EXPECT_EQ(slack.budget.writes, (http::Rate{180, minutes(1)}));
    EXPECT_EQ(slack.budget.reads, (http::Rate{300, minutes(1)}));
    EXPECT_EQ(slack.budget.source, "profile slack");
    EXPECT_EQ(with("  profile: github\n").budget.writes, (http::Rate{1000, hours(1)}));
    EXPECT_FALSE(with("  profile: aws_identity_center\n").budget.writes) << "none published";

    auto own = with("  profile: slack\n  budget:\n    writes: 100/min\n    operations_per_run: "
                    "500\n    run_time: 45m\n  requests_per_second: 2\n");
    EXPECT_EQ(own.budget.writes, (http::Rate{100, minutes(1)}));
    EXPECT_EQ(own.budget.reads, (http::Rate{300, minutes(1)})) << "the profile's, unsaid";
    EXPECT_EQ(own.budget.source, "target.budget");
    EXPECT_DOUBLE_EQ(own.budget.requests_per_second, 2.0);
    EXPECT_EQ(own.operations_per_run, 500U);
    EXPECT_EQ(own.run_time, minutes(45));

    for (const char* wrong :
         {"  budget:\n    writes: 180/fortnight\n", "  budget:\n    writes: fast\n",
          "  budget:\n    operations_per_run: 0\n", "  budget:\n    run_time: soon\n",
          "  budget:\n    write: 180/min\n"}) {
        try {
            (void)with(wrong);
            ADD_FAILURE() << "accepted: " << wrong;
        } catch (const ConfigError& error) {
            EXPECT_NE(std::string(error.what()).find("target.budget"), std::string::npos)
                << error.what();
            EXPECT_NE(std::string(error.what()).find("c.yaml:"), std::string::npos) << error.what();
        }
    }
}

} // namespace
} // namespace hr2scim::agent
