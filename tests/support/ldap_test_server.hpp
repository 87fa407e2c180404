#pragma once
// A real OpenLDAP slapd for one test: its own CA and server certificate, a directory of
// generated people loaded with slapadd, a size limit below their number, and ldap:// and
// ldaps:// listeners on free loopback ports. Stopped with the object.

#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace hr2scim::testing {

class LdapTestServer {
  public:
    static constexpr const char* k_base_dn = "ou=people,dc=example,dc=com";
    static constexpr const char* k_reader_dn = "cn=reader,dc=example,dc=com";
    static constexpr const char* k_reader_password = "reader-pw-5c0f1e";
    static constexpr int k_size_limit = 500;

    explicit LdapTestServer(int people);
    ~LdapTestServer();
    LdapTestServer(const LdapTestServer&) = delete;
    LdapTestServer& operator=(const LdapTestServer&) = delete;

    [[nodiscard]] std::string ldap_url() const {
        return "ldap://127.0.0.1:" + std::to_string(m_ldap_port);
    }
    [[nodiscard]] std::string ldaps_url() const {
        return "ldaps://127.0.0.1:" + std::to_string(m_ldaps_port);
    }
    [[nodiscard]] std::filesystem::path ca_file() const { return m_dir.path() / "ca.pem"; }
    // What `slapcat` exports of the directory, as an LDIF file.
    [[nodiscard]] std::filesystem::path slapcat(const std::filesystem::path& destination) const;

  private:
    void write_certificates() const;
    void write_config() const;
    void load_people(int people) const;
    void start();
    // One start on two ports free when asked; false, with what slapd said, if it exited.
    bool start_on_free_ports(std::string& said);

    TempDir m_dir;
    int m_ldap_port = 0;
    int m_ldaps_port = 0;
    pid_t m_pid = -1;
};

} // namespace hr2scim::testing
