// LDAP sources against a real slapd: an LDIF export made by slapcat, and the live
// directory (paged past the size limit, over StartTLS or ldaps), checked on the SCIM server.

#include "tests/support/child_process.hpp"
#include "tests/support/ldap_test_server.hpp"
#include "tests/support/scim_test_server.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

constexpr const char* k_preset = HR2SCIM_SOURCE_DIR "/mappings/presets/inetorgperson.yaml";

class LdapSyncTest : public ::testing::Test {
  protected:
    void start_directory(int people) { ldap.emplace(people); }

    std::string live_source(const std::string& extra = "", bool start_tls = true) {
        return "source:\n"
               "  type: ldap\n"
               "  url: " +
               ldap->ldap_url() +
               "\n"
               "  start_tls: " +
               (start_tls ? "true" : "false") +
               "\n"
               "  bind_dn: " +
               LdapTestServer::k_reader_dn +
               "\n"
               "  password_env: LDAP_TEST_PASSWORD\n"
               "  base_dn: " +
               LdapTestServer::k_base_dn +
               "\n"
               "  key_attribute: employeeNumber\n"
               "  page_size: 200\n" +
               extra;
    }

    ProcessResult run(const std::string& command, const std::string& source,
                      const std::string& password = LdapTestServer::k_reader_password) {
        (void)dir.write(
            "config.yaml",
            source + "mapping: " + k_preset +
                "\n"
                "target:\n  url: " +
                scim.scim_url() +
                "\n  token_env: SCIM_TEST_TOKEN\n"
                "state: state.db\n"
                "safety:\n  max_deactivations: 100000\n  max_deactivation_percent: 100\n");
        return run_process({HR2SCIM_BINARY, command, "-c", (dir.path() / "config.yaml").string()},
                           {{"SCIM_TEST_TOKEN", scim.token()}, {"LDAP_TEST_PASSWORD", password}});
    }

    TempDir dir;
    ScimTestServer scim;
    std::optional<LdapTestServer> ldap;
};

TEST_F(LdapSyncTest, ASlapcatExportSyncsEveryPerson) {
    start_directory(2500);
    auto export_file = ldap->slapcat(dir.path() / "export.ldif");
    auto result =
        run("sync", "source:\n  type: ldif\n  path: " + export_file.string() +
                        "\n  key_attribute: employeeNumber\n  object_class: inetOrgPerson\n");
    ASSERT_EQ(result.exit_code, 0)
        << result.out.substr(result.out.size() - std::min<size_t>(2000, result.out.size()))
        << result.err;
    EXPECT_EQ(scim.users().size(), 2500U) << "the OU, the reader and the suffix are not people";
    auto user = scim.user_with_external_id("00042");
    EXPECT_EQ(user["userName"], "user00042@example.com");
    EXPECT_EQ(user["name"]["familyName"], "Number42");
    EXPECT_EQ(user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"],
              "D0");

    // slapcat exports operational attributes too, so entryUUID can be the key.
    auto by_uuid =
        run("validate", "source:\n  type: ldif\n  path: " + export_file.string() +
                            "\n  key_attribute: entryUUID\n  object_class: inetOrgPerson\n");
    EXPECT_EQ(by_uuid.exit_code, 0) << by_uuid.out << by_uuid.err;
    EXPECT_NE(by_uuid.out.find("2500 records, 2500 mapped"), std::string::npos) << by_uuid.out;
}

TEST_F(LdapSyncTest, ALiveDirectoryLargerThanTheSizeLimitIsReadWholeOverStartTls) {
    start_directory(2500);
    auto result = run("sync", live_source("  ca_file: " + ldap->ca_file().string() + "\n"));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(scim.users().size(), 2500U)
        << "2500 people through a size limit of 500: paging works";
    EXPECT_EQ(scim.user_with_external_id("02500")["userName"], "user02500@example.com");
}

TEST_F(LdapSyncTest, LdapsWorksWithThePrivateCa) {
    start_directory(50);
    std::string source = live_source("  ca_file: " + ldap->ca_file().string() + "\n", false);
    source = source.substr(0, source.find("  url: ")) + "  url: " + ldap->ldaps_url() + "\n" +
             source.substr(source.find("  start_tls"));
    auto result = run("sync", source);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(scim.users().size(), 50U);
}

TEST_F(LdapSyncTest, AnUntrustedCertificateFailsStartTls) {
    start_directory(10);
    auto result = run("sync", live_source());
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("StartTLS with " + ldap->ldap_url() + " failed"), std::string::npos)
        << result.out;
    EXPECT_EQ(scim.requests().size(), 0U);
}

// An `attributes:` list that lacks an attribute the mapping reads would leave it empty for
// everyone: validate, plan and sync refuse it alike, naming it; a complete list reads as usual.
TEST_F(LdapSyncTest, AnAttributeListLackingMappedAttributesIsRefusedByEveryCommand) {
    start_directory(20);
    const std::string ca = "  ca_file: " + ldap->ca_file().string() + "\n";
    const std::string lacking =
        live_source(ca + "  attributes: employeeNumber,mail,givenName,sn,cn,title\n");
    for (const std::string command : {"validate", "plan", "sync"}) {
        auto result = run(command, lacking);
        EXPECT_EQ(result.exit_code, 1) << command << result.out << result.err;
        const auto said = result.out + result.err;
        EXPECT_NE(said.find("'telephoneNumber' is not an attribute of the source (it has: "
                            "employeeNumber, mail, givenName, sn, cn, title, dn)"),
                  std::string::npos)
            << command << said;
        EXPECT_NE(said.find("the LDAP source reads only the attributes its `attributes:` option "
                            "lists"),
                  std::string::npos)
            << command << said;
    }
    EXPECT_EQ(scim.requests().size(), 0U);
    auto complete =
        run("validate", live_source(ca + "  attributes: employeeNumber,mail,givenName,"
                                         "sn,cn,title,preferredLanguage,"
                                         "telephoneNumber,mobile,departmentNumber,o\n"));
    EXPECT_EQ(complete.exit_code, 0) << complete.out << complete.err;
    EXPECT_NE(complete.out.find("20 records, 20 mapped"), std::string::npos) << complete.out;
}

TEST_F(LdapSyncTest, AReadStoppedByTheSizeLimitDeactivatesNobody) {
    start_directory(600);
    std::string ca = "  ca_file: " + ldap->ca_file().string() + "\n";
    ASSERT_EQ(run("sync", live_source(ca)).exit_code, 0);
    scim.clear_requests();

    std::string unpaged = live_source(ca);
    unpaged.replace(unpaged.find("page_size: 200"), 14, "page_size: 0");
    auto result = run("sync", unpaged);
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("Size limit exceeded"), std::string::npos) << result.out;
    EXPECT_EQ(scim.active_users(), 600U);
    EXPECT_EQ(scim.count_requests("PATCH"), 0U);
}

TEST_F(LdapSyncTest, ASearchThatFindsNobodyIsAFailureNotAnEmptyCompany) {
    start_directory(20);
    std::string ca = "  ca_file: " + ldap->ca_file().string() + "\n";
    ASSERT_EQ(run("sync", live_source(ca)).exit_code, 0);
    scim.clear_requests();

    auto result = run(
        "sync", live_source(ca + "  filter: (&(objectClass=inetOrgPerson)(uid=nobody-here))\n"));
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("returned no entries"), std::string::npos) << result.out;
    EXPECT_EQ(scim.active_users(), 20U);
    EXPECT_EQ(scim.requests().size(), 0U);
}

TEST_F(LdapSyncTest, AWrongPasswordFailsClearlyWithoutShowingIt) {
    start_directory(10);
    const std::string wrong = "not-the-password-81d2";
    auto result = run("sync", live_source("  ca_file: " + ldap->ca_file().string() + "\n"), wrong);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("Invalid credentials"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find(wrong), std::string::npos);
    EXPECT_EQ(result.err.find(wrong), std::string::npos);
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// `ldapsearch -E pr=N/noprompt` is the way past a server's size limit: each page's trailer
// carries `control:` and `pagedresults:` lines. Exported by the real ldapsearch here.
TEST_F(LdapSyncTest, APagedLdapsearchExportSyncsEveryPerson) {
    start_directory(1200);
    auto search = run_process({"ldapsearch", "-LLL", "-x", "-H", ldap->ldap_url(), "-D",
                               LdapTestServer::k_reader_dn, "-w", LdapTestServer::k_reader_password,
                               "-b", LdapTestServer::k_base_dn, "-E", "pr=400/noprompt",
                               "(objectClass=inetOrgPerson)"});
    ASSERT_EQ(search.exit_code, 0) << search.err;
    auto plain =
        run_process({"ldapsearch", "-x", "-H", ldap->ldap_url(), "-D", LdapTestServer::k_reader_dn,
                     "-w", LdapTestServer::k_reader_password, "-b", LdapTestServer::k_base_dn, "-E",
                     "pr=400/noprompt", "(objectClass=inetOrgPerson)"});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    ASSERT_NE(plain.out.find("pagedresults: "), std::string::npos)
        << "the export has the paging trailers";
    const std::string source =
        "source:\n  type: ldif\n  path: export.ldif\n  key_attribute: employeeNumber\n";
    (void)dir.write("export.ldif", plain.out);
    auto result = run("sync", source);
    ASSERT_EQ(result.exit_code, 0) << result.out.substr(0, 2000) << result.err;
    EXPECT_EQ(scim.users().size(), 1200U);

    // The same export cut at the size limit (no paging) says so in its trailer: a failed read.
    auto limited =
        run_process({"ldapsearch", "-x", "-H", ldap->ldap_url(), "-D", LdapTestServer::k_reader_dn,
                     "-w", LdapTestServer::k_reader_password, "-b", LdapTestServer::k_base_dn,
                     "(objectClass=inetOrgPerson)"});
    (void)dir.write("export.ldif", limited.out);
    scim.clear_requests();
    result = run("sync", source);
    EXPECT_EQ(result.exit_code, 1) << result.out.substr(0, 2000);
    EXPECT_NE(result.out.find("Size limit exceeded"), std::string::npos)
        << result.out.substr(0, 2000);
    EXPECT_EQ(scim.count_requests("PATCH"), 0U) << "nobody deactivated";
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

TEST_F(LdapSyncTest, AnEntryRejectedForABadLineProtectsItsKeyAndLetsOtherLeaversGo) {
    start_directory(30);
    auto export_file = ldap->slapcat(dir.path() / "export.ldif");
    const std::string source =
        "source:\n  type: ldif\n  path: export.ldif\n  key_attribute: employeeNumber\n";
    ASSERT_EQ(run("sync", source).exit_code, 0);
    EXPECT_EQ(scim.users().size(), 30U);
    // Person 00007 gets a line hr2scim refuses (a URL value); person 00008 leaves.
    std::string text = read_file(export_file);
    auto seventh = text.find("employeeNumber: 00007");
    ASSERT_NE(seventh, std::string::npos);
    text.insert(text.find('\n', seventh) + 1, "jpegPhoto:< file:///etc/passwd\n");
    auto eighth = text.find("dn: uid=user00008");
    ASSERT_NE(eighth, std::string::npos);
    text.erase(eighth, text.find("\n\n", eighth) + 2 - eighth);
    (void)dir.write("export.ldif", text);
    EXPECT_EQ(run("sync", source).exit_code, 2); // 00008 absent once: the next read confirms it
    EXPECT_EQ(scim.user_with_external_id("00008")["active"], true);
    scim.clear_requests();
    auto result = run("sync", source);
    EXPECT_EQ(result.exit_code, 2) << result.out.substr(0, 3000) << result.err;
    EXPECT_NE(result.out.find("URL values (attribute:< URL) are not read"), std::string::npos)
        << result.out.substr(0, 3000);
    EXPECT_EQ(scim.user_with_external_id("00008")["active"], false);
    EXPECT_EQ(scim.user_with_external_id("00007")["active"], true);
    EXPECT_EQ(scim.count_requests("PATCH"), 1U);
}

} // namespace
} // namespace hr2scim::testing
