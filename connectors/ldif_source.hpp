#pragma once
// People from an LDIF export (slapcat, ldapsearch, Active Directory's ldifde).

#include "connectors/ldif_reader.hpp"
#include "connectors/source.hpp"

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace hr2scim::connectors {

struct LdifSourceSettings {
    std::filesystem::path path;
    std::string key_attribute;               // employeeNumber, uid, entryUUID, ... or "dn"
    std::vector<std::string> object_classes; // an entry is a person when it has any of these
};

class LdifSource final : public Source {
  public:
    explicit LdifSource(LdifSourceSettings settings);
    [[nodiscard]] SourceRead read() override;
    [[nodiscard]] std::string describe() const override;

  private:
    LdifSourceSettings m_settings;
};

// Pure: parsed entries to records (tested without files). Also used by the LDAP source.
[[nodiscard]] SourceRead records_from_entries(std::vector<LdifEntry> entries,
                                              const std::string& label,
                                              const LdifSourceSettings& settings);

[[nodiscard]] std::vector<std::string> split_list(const std::string& text);
[[nodiscard]] std::span<const OptionSpec> ldif_source_options();
[[nodiscard]] std::unique_ptr<Source> make_ldif_source(const SourceOptions& options);

} // namespace hr2scim::connectors
