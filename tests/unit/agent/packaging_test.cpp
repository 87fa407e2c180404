// The Kubernetes example as far as this machine can check it without a cluster: every
// document parses, the CronJob mounts the ConfigMap and the claim the file defines, runs as
// the image's non-root user, never runs twice at once, and the config and mapping it carries
// are valid hr2scim files (read with hr2scim's own loaders). The Containerfile installs the
// package CPack builds and runs as the uid the manifest expects.

#include "agent/config.hpp"
#include "mappings/mapping.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace hr2scim::agent {
namespace {

const std::filesystem::path k_packaging = std::filesystem::path(HR2SCIM_SOURCE_DIR) / "packaging";

YAML::Node document_of_kind(const std::vector<YAML::Node>& documents, const std::string& kind) {
    for (const auto& document : documents)
        if (document["kind"].as<std::string>() == kind) return document;
    ADD_FAILURE() << "no " << kind << " in cronjob.yaml";
    return {};
}

TEST(Packaging, TheKubernetesCronJobIsConsistentAndCarriesAValidConfig) {
    const auto documents =
        YAML::LoadAllFromFile((k_packaging / "kubernetes/cronjob.yaml").string());
    ASSERT_EQ(documents.size(), 3U);
    const auto claim = document_of_kind(documents, "PersistentVolumeClaim");
    const auto config_map = document_of_kind(documents, "ConfigMap");
    const auto cron_job = document_of_kind(documents, "CronJob");
    EXPECT_EQ(cron_job["apiVersion"].as<std::string>(), "batch/v1");
    EXPECT_EQ(cron_job["spec"]["concurrencyPolicy"].as<std::string>(), "Forbid");

    const auto pod = cron_job["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>());
    EXPECT_EQ(pod["securityContext"]["runAsUser"].as<int>(), 10001) << "the image's USER";
    std::map<std::string, std::string> claims, config_maps;
    for (const auto& volume : pod["volumes"]) {
        if (volume["persistentVolumeClaim"])
            claims[volume["name"].as<std::string>()] =
                volume["persistentVolumeClaim"]["claimName"].as<std::string>();
        if (volume["configMap"])
            config_maps[volume["name"].as<std::string>()] =
                volume["configMap"]["name"].as<std::string>();
    }
    const auto container = pod["containers"][0];
    std::map<std::string, std::string> mounts;
    for (const auto& mount : container["volumeMounts"])
        mounts[mount["mountPath"].as<std::string>()] = mount["name"].as<std::string>();
    ASSERT_TRUE(mounts.contains("/var/lib/hr2scim") && mounts.contains("/etc/hr2scim"));
    EXPECT_EQ(claims[mounts["/var/lib/hr2scim"]], claim["metadata"]["name"].as<std::string>())
        << "the state is on the claim this file defines";
    EXPECT_EQ(config_maps[mounts["/etc/hr2scim"]],
              config_map["metadata"]["name"].as<std::string>());
    std::set<std::string> env;
    for (const auto& variable : container["env"])
        env.insert(variable["name"].as<std::string>());

    // The config and mapping, as mounted, load with hr2scim's own loaders.
    testing::TempDir etc;
    const auto config_file =
        etc.write("config.yaml", config_map["data"]["config.yaml"].as<std::string>());
    (void)etc.write("mapping.yaml", config_map["data"]["mapping.yaml"].as<std::string>());
    const auto config = parse_config(testing::read_file(config_file), config_file);
    EXPECT_EQ(config.state, "/var/lib/hr2scim/state.db") << "on the persistent volume";
    EXPECT_TRUE(env.contains(config.target.token_env)) << config.target.token_env;
    EXPECT_TRUE(env.contains(config.source.get("token_env"))) << "the HR API's token";
    EXPECT_NO_THROW((void)mappings::load_mapping(config.mapping));

    const auto args = container["args"].as<std::vector<std::string>>();
    EXPECT_EQ(args.front(), "sync");
    EXPECT_NE(std::ranges::find(args, "/etc/hr2scim/config.yaml"), args.end());
}

// The comment's `kubectl create secret` is the one a reader copies: it must create every key
// the pod reads from that Secret, or the pod never starts.
TEST(Packaging, TheDocumentedSecretCommandCreatesEveryKeyThePodReads) {
    const auto text = testing::read_file(k_packaging / "kubernetes/cronjob.yaml");
    const std::string command = "kubectl create secret generic ";
    const auto at = text.find(command);
    ASSERT_NE(at, std::string::npos) << "the manifest says how to make its Secret";
    std::istringstream line(text.substr(at + command.size(), text.find('\n', at) - at));
    std::string secret;
    line >> secret;
    std::set<std::string> created;
    for (std::string word; line >> word;)
        if (word.starts_with("--from-literal="))
            created.insert(word.substr(15, word.find('=', 15) - 15));
    const auto documents =
        YAML::LoadAllFromFile((k_packaging / "kubernetes/cronjob.yaml").string());
    const auto pod =
        document_of_kind(documents, "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    size_t read = 0;
    for (const auto& variable : pod["containers"][0]["env"]) {
        const auto reference = variable["valueFrom"]["secretKeyRef"];
        if (!reference) continue;
        ++read;
        EXPECT_EQ(reference["name"].as<std::string>(), secret);
        EXPECT_TRUE(created.contains(reference["key"].as<std::string>()))
            << reference["key"].as<std::string>() << " is read but not created";
    }
    EXPECT_GE(read, 2U) << "the SCIM token and the HR API's";
}

// The metrics path docs/operations.md shows is one the sandbox lets the units write; '-' keeps a
// host without node_exporter (no such folder) from failing to start them.
TEST(Packaging, TheSandboxLetsTheUnitsWriteTheDocumentedTextfileFolder) {
    const auto operations =
        testing::read_file(std::filesystem::path(HR2SCIM_SOURCE_DIR) / "docs" / "operations.md");
    const std::string setting = "metrics: {textfile: ";
    const auto at = operations.find(setting);
    ASSERT_NE(at, std::string::npos);
    const auto& readme = operations;
    const std::filesystem::path textfile =
        readme.substr(at + setting.size(), readme.find('}', at) - at - setting.size());
    const auto sandbox = testing::read_file(k_packaging / "systemd/hardening.conf");
    EXPECT_NE(sandbox.find("\nReadWritePaths=-" + textfile.parent_path().string() + "\n"),
              std::string::npos)
        << textfile << "\n"
        << sandbox;
}

TEST(Packaging, TheContainerRunsThePackageAsTheUidTheManifestExpects) {
    const auto recipe = testing::read_file(k_packaging / "container/Containerfile");
    EXPECT_NE(recipe.find("cpack -G DEB"), std::string::npos);
    EXPECT_NE(recipe.find("apt-get install -y --no-install-recommends ca-certificates "
                          "/tmp/hr2scim_*.deb"),
              std::string::npos);
    EXPECT_NE(recipe.find("--uid 10001"), std::string::npos);
    EXPECT_NE(recipe.find("USER 10001:10001"), std::string::npos);
    EXPECT_NE(recipe.find("VOLUME [\"/var/lib/hr2scim\"]"), std::string::npos);
}

TEST(Packaging, TheExampleConfigIsValidAndTakesTheTokenAsACredential) {
    testing::TempDir etc;
    const auto config_file =
        etc.write("config.yaml", testing::read_file(k_packaging / "config.yaml"));
    (void)etc.write("mapping.yaml", testing::read_file(std::filesystem::path(HR2SCIM_SOURCE_DIR) /
                                                       "examples/mapping.yaml"));
    ::setenv("CREDENTIALS_DIRECTORY", "/run/credentials/hr2scim.service", 1);
    const auto config = parse_config(testing::read_file(config_file), config_file);
    ::unsetenv("CREDENTIALS_DIRECTORY");
    EXPECT_EQ(config.target.token_file, "/run/credentials/hr2scim.service/scim-token");
    EXPECT_EQ(config.state, "/var/lib/hr2scim/state.db");
    EXPECT_NO_THROW((void)mappings::load_mapping(config.mapping));
}

} // namespace
} // namespace hr2scim::agent
