#pragma once
// People read live from a directory (OpenLDAP, Active Directory, ...): ldap://, ldaps:// or
// StartTLS, a simple bind, and paged results (RFC 2696) so a directory larger than the
// server's size limit is read whole. Any result other than success fails the source.

#include "connectors/source.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace hr2scim::connectors {

struct LdapSourceSettings {
    std::string url; // ldap://host:389 or ldaps://host:636
    bool start_tls = false;
    std::string bind_dn;  // empty: anonymous
    std::string password; // resolved from password_env / password_file; never logged
    std::string base_dn;
    int scope = 2; // LDAP_SCOPE_SUBTREE
    std::string filter = "(objectClass=inetOrgPerson)";
    std::vector<std::string> attributes; // empty: all user attributes
    std::string key_attribute;
    int page_size = 500;       // 0: no paging
    size_t max_pages = 100000; // against paging loops
    std::chrono::seconds timeout{30};
    std::string ca_file;
};

class LdapSource final : public Source {
  public:
    explicit LdapSource(LdapSourceSettings settings);
    [[nodiscard]] SourceRead read() override;
    [[nodiscard]] std::string describe() const override;

  private:
    LdapSourceSettings m_settings;
};

[[nodiscard]] std::span<const OptionSpec> ldap_source_options();
[[nodiscard]] std::unique_ptr<Source> make_ldap_source(const SourceOptions& options);

} // namespace hr2scim::connectors
