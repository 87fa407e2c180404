// TLS verification is always on: a target whose certificate is not trusted is refused,
// and a private CA is trusted through target.ca_file.

#include "tests/support/child_process.hpp"
#include "tests/support/scim_test_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <vector>

namespace hr2scim::testing {
namespace {

class TlsTest : public ::testing::Test {
  protected:
    TlsTest() {
        auto made = run_process(
            {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
             (dir.path() / "key.pem").string(), "-out", (dir.path() / "cert.pem").string()});
        if (made.exit_code != 0) throw std::runtime_error("openssl failed: " + made.err);
        server.emplace("tls-token-19ae",
                       ScimTestServer::Tls{(dir.path() / "cert.pem").string(),
                                           (dir.path() / "key.pem").string(), "", "", ""});
        (void)dir.write("hr.csv", "id,mail\nE1,ada@example.com\n");
        (void)dir.write("mapping.yaml",
                        "attributes:\n  userName: '{mail}'\n  externalId: '{id}'\n");
    }

    ProcessResult sync(const std::string& target_extra) {
        (void)dir.write("config.yaml", "source: {type: csv, path: hr.csv, key_column: id}\n"
                                       "mapping: mapping.yaml\n"
                                       "target:\n  url: " +
                                           server->scim_url() +
                                           "\n  token_env: TLS_TEST_TOKEN\n  max_retries: 0\n" +
                                           target_extra + "state: state.db\n");
        return run_process({HR2SCIM_BINARY, "sync", "-c", (dir.path() / "config.yaml").string()},
                           {{"TLS_TEST_TOKEN", server->token()}});
    }

    TempDir dir;
    std::optional<ScimTestServer> server;
};

TEST_F(TlsTest, AnUntrustedCertificateIsRefused) {
    auto result = sync("");
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("SSL certificate problem"), std::string::npos) << result.out;
    EXPECT_EQ(server->users().size(), 0U);
}

TEST_F(TlsTest, APrivateCaIsTrustedThroughCaFile) {
    auto result = sync("  ca_file: cert.pem\n");
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    ASSERT_EQ(server->users().size(), 1U);
    EXPECT_EQ(server->users()[0]["userName"], "ada@example.com");
}

// Mutual TLS: the target requires a client certificate issued by its own CA.
class MutualTlsTest : public TlsTest {
  protected:
    MutualTlsTest() {
        auto path = [&](const char* name) { return (dir.path() / name).string(); };
        openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                 "/CN=client-ca", "-keyout", path("client-ca.key"), "-out", path("client-ca.pem")});
        for (const char* who : {"client", "rogue"})
            openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=hr2scim", "-keyout",
                     path((std::string(who) + ".key").c_str()), "-out",
                     path((std::string(who) + ".csr").c_str())});
        openssl({"x509", "-req", "-in", path("client.csr"), "-CA", path("client-ca.pem"), "-CAkey",
                 path("client-ca.key"), "-CAcreateserial", "-days", "2", "-out",
                 path("client.pem")});
        openssl({"x509", "-req", "-in", path("rogue.csr"), "-signkey", path("rogue.key"), "-days",
                 "2", "-out", path("rogue.pem")}); // self-signed: not from the target's CA
        for (const char* key : {"client.key", "rogue.key"})
            std::filesystem::permissions(dir.path() / key, std::filesystem::perms::owner_read |
                                                               std::filesystem::perms::owner_write);
        server.reset();
        server.emplace("tls-token-19ae",
                       ScimTestServer::Tls{path("cert.pem"), path("key.pem"), path("client-ca.pem"),
                                           path("client.pem"), path("client.key")});
    }

    static void openssl(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), "openssl");
        auto made = run_process(arguments);
        if (made.exit_code != 0) throw std::runtime_error("openssl failed: " + made.err);
    }
};

TEST_F(MutualTlsTest, TheClientCertificateIsPresented) {
    auto result =
        sync("  ca_file: cert.pem\n  client_certificate: client.pem\n  client_key: client.key\n");
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server->users().size(), 1U);
}

TEST_F(MutualTlsTest, NoCertificateOrOneFromAnotherCaIsRefusedBeforeAnythingIsSent) {
    for (const char* extra : {"", "  client_certificate: rogue.pem\n  client_key: rogue.key\n"}) {
        auto result = sync(std::string("  ca_file: cert.pem\n") + extra);
        EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
        EXPECT_NE(result.out.find("NOT SENT: the target"), std::string::npos) << result.out;
    }
    EXPECT_EQ(server->users().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing
