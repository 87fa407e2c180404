#include "connectors/ldap_source.hpp"

#include "connectors/ldif_source.hpp"
#include "connectors/source_support.hpp"

#include <algorithm>
#include <array>
#include <ldap.h>
#include <strings.h>

namespace hr2scim::connectors {
namespace {

constexpr std::array k_ldap_options = {
    OptionSpec{"type", true, "", "ldap"},
    OptionSpec{"url", true, "", "ldap://host:389 or ldaps://host:636"},
    OptionSpec{"start_tls", false, "false",
               "upgrade ldap:// with StartTLS (required to succeed when true)"},
    OptionSpec{"bind_dn", false, "", "the DN to bind as; empty binds anonymously"},
    OptionSpec{"password_env", false, "", "environment variable holding the bind password"},
    OptionSpec{"password_file", false, "", "file whose first line is the bind password"},
    OptionSpec{"base_dn", true, "", "where to search"},
    OptionSpec{"scope", false, "sub", "sub, one or base"},
    OptionSpec{"filter", false, "(objectClass=inetOrgPerson)", "which entries are people"},
    OptionSpec{"attributes", false, "", "comma-separated attributes to read; empty reads all"},
    OptionSpec{"key_attribute", true, "",
               "the attribute that holds each person's stable key, or dn"},
    OptionSpec{"page_size", false, "500", "entries per page (RFC 2696); 0 turns paging off"},
    OptionSpec{"timeout_seconds", false, "30", "for connecting and for each page"},
    OptionSpec{"ca_file", false, "",
               "trust this CA for ldaps:// and StartTLS (verification is never off)"},
};

struct LdapCloser {
    void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
struct MessageFree {
    void operator()(LDAPMessage* message) const { ldap_msgfree(message); }
};
struct ControlsFree {
    void operator()(LDAPControl** controls) const { ldap_controls_free(controls); }
};
using Connection = std::unique_ptr<LDAP, LdapCloser>;

std::string describe_error(LDAP* ld, int code, std::string_view what) {
    std::string text = std::string(what) + ": " + ldap_err2string(code);
    char* diagnostic = nullptr;
    if (ld && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == LDAP_SUCCESS &&
        diagnostic) {
        if (*diagnostic) text += " (" + std::string(diagnostic) + ")";
        ldap_memfree(diagnostic);
    }
    return text;
}

// Each step returns an error text, or empty on success.
class Session {
  public:
    explicit Session(const LdapSourceSettings& settings) : m_settings(settings) {}

    std::string connect() {
        LDAP* raw = nullptr;
        int code = ldap_initialize(&raw, m_settings.url.c_str());
        m_ld.reset(raw);
        if (code != LDAP_SUCCESS)
            return describe_error(nullptr, code, "cannot use " + m_settings.url);
        int version = LDAP_VERSION3;
        timeval timeout{static_cast<time_t>(m_settings.timeout.count()), 0};
        ldap_set_option(raw, LDAP_OPT_PROTOCOL_VERSION, &version);
        ldap_set_option(raw, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
        ldap_set_option(raw, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
        ldap_set_option(raw, LDAP_OPT_TIMEOUT, &timeout);
        int demand = LDAP_OPT_X_TLS_DEMAND;
        ldap_set_option(raw, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
        if (!m_settings.ca_file.empty())
            ldap_set_option(raw, LDAP_OPT_X_TLS_CACERTFILE, m_settings.ca_file.c_str());
        int new_context = 0; // apply this handle's TLS options
        ldap_set_option(raw, LDAP_OPT_X_TLS_NEWCTX, &new_context);
        if (m_settings.start_tls) {
            code = ldap_start_tls_s(raw, nullptr, nullptr);
            if (code != LDAP_SUCCESS)
                return describe_error(raw, code, "StartTLS with " + m_settings.url + " failed");
        }
        berval credentials{m_settings.password.size(),
                           const_cast<char*>(m_settings.password.data())};
        code =
            ldap_sasl_bind_s(raw, m_settings.bind_dn.empty() ? nullptr : m_settings.bind_dn.c_str(),
                             LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
        if (code != LDAP_SUCCESS)
            return describe_error(
                raw, code, "bind as '" + m_settings.bind_dn + "' to " + m_settings.url + " failed");
        return {};
    }

    // Reads every page; entries arrive in `entries`.
    std::string search(std::vector<LdifEntry>& entries) {
        berval cookie{0, nullptr};
        size_t pages = 0;
        do {
            if (++pages > m_settings.max_pages)
                return "more than " + std::to_string(m_settings.max_pages) +
                       " pages: the server keeps paging";
            if (auto error = search_page(cookie, entries); !error.empty()) {
                ber_memfree(cookie.bv_val);
                return error;
            }
        } while (m_settings.page_size > 0 && cookie.bv_len > 0);
        ber_memfree(cookie.bv_val);
        return {};
    }

  private:
    std::string search_page(berval& cookie, std::vector<LdifEntry>& entries) {
        LDAP* ld = m_ld.get();
        LDAPControl* page_control = nullptr;
        if (m_settings.page_size > 0 &&
            ldap_create_page_control(ld, static_cast<ber_int_t>(m_settings.page_size), &cookie, 1,
                                     &page_control) != LDAP_SUCCESS)
            return "cannot create the paged-results control";
        LDAPControl* controls[] = {page_control, nullptr};
        std::vector<char*> attributes;
        for (const auto& name : m_settings.attributes)
            attributes.push_back(const_cast<char*>(name.c_str()));
        attributes.push_back(nullptr);
        timeval timeout{static_cast<time_t>(m_settings.timeout.count()), 0};
        LDAPMessage* raw_result = nullptr;
        int code = ldap_search_ext_s(
            ld, m_settings.base_dn.c_str(), m_settings.scope, m_settings.filter.c_str(),
            m_settings.attributes.empty() ? nullptr : attributes.data(), 0,
            page_control ? controls : nullptr, nullptr, &timeout, LDAP_NO_LIMIT, &raw_result);
        std::unique_ptr<LDAPMessage, MessageFree> result(raw_result);
        if (page_control) ldap_control_free(page_control);
        // Anything but success (a size or time limit, a referral, ...) means the read is partial.
        if (code != LDAP_SUCCESS)
            return describe_error(ld, code, "search of " + m_settings.base_dn + " failed");
        collect_entries(result.get(), entries);
        return read_cookie(result.get(), cookie);
    }

    void collect_entries(LDAPMessage* result, std::vector<LdifEntry>& entries) {
        LDAP* ld = m_ld.get();
        for (LDAPMessage* entry = ldap_first_entry(ld, result); entry;
             entry = ldap_next_entry(ld, entry)) {
            LdifEntry person;
            char* dn = ldap_get_dn(ld, entry);
            person.dn = dn ? dn : "";
            ldap_memfree(dn);
            BerElement* position = nullptr;
            for (char* name = ldap_first_attribute(ld, entry, &position); name;
                 name = ldap_next_attribute(ld, entry, position)) {
                berval** values = ldap_get_values_len(ld, entry, name);
                auto& stored = person.attributes[name];
                for (size_t i = 0; values && values[i]; ++i)
                    stored.emplace_back(values[i]->bv_val, values[i]->bv_len);
                ldap_value_free_len(values);
                ldap_memfree(name);
            }
            ber_free(position, 0);
            entries.push_back(std::move(person));
        }
    }

    std::string read_cookie(LDAPMessage* result, berval& cookie) {
        if (m_settings.page_size == 0) return {};
        LDAP* ld = m_ld.get();
        int code = LDAP_SUCCESS;
        LDAPControl** raw_controls = nullptr;
        if (ldap_parse_result(ld, result, &code, nullptr, nullptr, nullptr, &raw_controls, 0) !=
            LDAP_SUCCESS)
            return "cannot read the search result";
        std::unique_ptr<LDAPControl*, ControlsFree> controls(raw_controls);
        if (code != LDAP_SUCCESS)
            return describe_error(ld, code, "search of " + m_settings.base_dn + " failed");
        LDAPControl* page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, raw_controls, nullptr);
        ber_memfree(cookie.bv_val);
        cookie = {0, nullptr};
        if (!page) return {}; // the server answered everything at once
        ber_int_t estimate = 0;
        berval next{0, nullptr};
        if (ldap_parse_pageresponse_control(ld, page, &estimate, &next) != LDAP_SUCCESS)
            return "cannot read the paged-results cookie";
        cookie = next;
        return {};
    }

    const LdapSourceSettings& m_settings;
    Connection m_ld;
};

int scope_from(const std::string& text) {
    if (text == "sub") return LDAP_SCOPE_SUBTREE;
    if (text == "one") return LDAP_SCOPE_ONELEVEL;
    if (text == "base") return LDAP_SCOPE_BASE;
    throw OptionError("scope", "scope must be sub, one or base");
}

} // namespace

LdapSource::LdapSource(LdapSourceSettings settings) : m_settings(std::move(settings)) {}

std::string LdapSource::describe() const {
    return "ldap:" + m_settings.url + "/" + m_settings.base_dn;
}

SourceRead LdapSource::read() {
    SourceRead read;
    Session session(m_settings);
    std::vector<LdifEntry> entries;
    std::string error = session.connect();
    if (error.empty()) error = session.search(entries);
    if (error.empty() && entries.empty())
        error = "the search of " + m_settings.base_dn + " for " + m_settings.filter +
                " returned no entries; an empty directory is treated as a failed read";
    if (!error.empty()) {
        read.failure = error;
        return read;
    }
    LdifSourceSettings as_entries{"", m_settings.key_attribute, {}};
    auto records = records_from_entries(std::move(entries), "ldap", as_entries);
    // Only the listed attributes are read: one the mapping uses but the list lacks would be
    // empty for everyone. Saying which there are lets the mapping be checked against them
    // ("*" and "+" ask for all user or operational attributes: then nobody knows the list).
    const auto& listed = m_settings.attributes;
    if (!listed.empty() && std::ranges::none_of(listed, [](const std::string& name) {
            return name == "*" || name == "+";
        })) {
        records.attribute_names = listed;
        records.attribute_names.emplace_back("dn");
    }
    return records;
}

std::span<const OptionSpec> ldap_source_options() {
    return k_ldap_options;
}

std::unique_ptr<Source> make_ldap_source(const SourceOptions& options) {
    LdapSourceSettings settings;
    settings.url = options.get("url");
    if (!settings.url.starts_with("ldap://") && !settings.url.starts_with("ldaps://"))
        throw OptionError("url", "url must start with ldap:// or ldaps://");
    const auto& start_tls = options.get("start_tls");
    if (start_tls != "true" && start_tls != "false")
        throw OptionError("start_tls", "start_tls must be true or false");
    settings.start_tls = start_tls == "true";
    if (settings.start_tls && settings.url.starts_with("ldaps://"))
        throw OptionError("start_tls",
                          "StartTLS is for ldap:// URLs; ldaps:// is already encrypted");
    settings.bind_dn = options.get("bind_dn");
    settings.password = secret_option(options, "password_env", "password_file", false);
    settings.base_dn = options.get("base_dn");
    settings.scope = scope_from(options.get("scope"));
    settings.filter = options.get("filter");
    settings.attributes = split_list(options.get("attributes"));
    settings.key_attribute = options.get("key_attribute");
    // The key is read whether listed or not (attribute names ignore case, RFC 4512).
    const auto listed = [&](const std::string& name) {
        return std::ranges::any_of(settings.attributes, [&](const std::string& attribute) {
            return strcasecmp(attribute.c_str(), name.c_str()) == 0;
        });
    };
    if (!settings.attributes.empty() && settings.key_attribute != "dn" &&
        !listed(settings.key_attribute))
        settings.attributes.push_back(settings.key_attribute);
    settings.page_size = static_cast<int>(whole_number_option(options, "page_size", 0, 100000));
    settings.timeout =
        std::chrono::seconds(whole_number_option(options, "timeout_seconds", 1, 3600));
    settings.ca_file = readable_file_option(options, "ca_file");
    return std::make_unique<LdapSource>(std::move(settings));
}

} // namespace hr2scim::connectors
