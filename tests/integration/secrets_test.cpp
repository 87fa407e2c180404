// The config's ${...} references as a unit run by systemd would use them: the token from a
// credential ($CREDENTIALS_DIRECTORY, as LoadCredential= provides it), the URL from the
// environment. The token authenticates and never reaches the output.

#include "tests/integration/sync_fixture.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>

namespace hr2scim::testing {
namespace {

class SecretsTest : public SyncTest {
  protected:
    SecretsTest() {
        auto config = read_file(dir.path() / "config.yaml");
        config = replace_once(config, "  token_env: HR2SCIM_TEST_TOKEN\n",
                              "  token: ${credential:scim-token}\n");
        config = replace_once(config, "  url: " + server.scim_url() + "\n",
                              "  url: ${HR2SCIM_TEST_SCIM_URL}\n");
        (void)dir.write("config.yaml", config);
        std::filesystem::create_directory(credentials());
    }

    [[nodiscard]] std::filesystem::path credentials() const { return dir.path() / "credentials"; }

    void write_credential(const std::string& token) const {
        const auto file = credentials() / "scim-token";
        std::filesystem::remove(file);
        { std::ofstream(file) << token << "\n"; }
        ::chmod(file.c_str(), 0400); // as systemd leaves a credential
    }

    ProcessResult sync_with(std::map<std::string, std::string> env) {
        env.emplace("HR2SCIM_TEST_SCIM_URL", server.scim_url());
        return run_process(
            {HR2SCIM_BINARY, "sync", "--config", (dir.path() / "config.yaml").string()}, env);
    }
};

TEST_F(SecretsTest, ATokenFromASystemdCredentialAuthenticatesAndIsNeverPrinted) {
    write_credential(server.token());
    auto result = sync_with({{"CREDENTIALS_DIRECTORY", credentials().string()}});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 10U);
    EXPECT_EQ(result.out.find(server.token()), std::string::npos);
    EXPECT_EQ(result.err.find(server.token()), std::string::npos);
}

TEST_F(SecretsTest, AWrongCredentialIsRefusedByTheTargetAndNotPrinted) {
    const std::string wrong = "wrong-credential-5b2e";
    write_credential(wrong);
    auto result = sync_with({{"CREDENTIALS_DIRECTORY", credentials().string()}});
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_EQ(server.users().size(), 0U);
    EXPECT_EQ(result.out.find(wrong), std::string::npos);
    EXPECT_EQ(result.err.find(wrong), std::string::npos);
}

TEST_F(SecretsTest, NoCredentialsDirectoryIsAConfigErrorNamingWhereAndWhy) {
    write_credential(server.token());
    auto result = sync_with({});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("config.yaml:9:10: ${credential:scim-token}: "
                              "$CREDENTIALS_DIRECTORY is not set"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(server.all_requests().size(), 0U) << "nothing is sent";
}

} // namespace
} // namespace hr2scim::testing
