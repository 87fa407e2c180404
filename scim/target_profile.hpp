#pragma once
// How a change is expressed for one target, decided once per run from what the target says
// about itself (discovery), what the config says (target.profile) and what earlier runs learnt
// from its answers. The only place that knows what a profile means: a dialect is a profile
// here, not `if`s elsewhere.

#include "http/budget.hpp"
#include "scim/desired_resource.hpp"
#include "scim/discovery.hpp"
#include "scim/patch.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::scim {

// target.profile: auto (what the target says about itself), rfc7644 (PATCH and filters
// whatever it says), put_only (no PATCH), minimal (no PATCH, no filters), entra (PATCH
// written as Microsoft Entra ID writes it), and the SaaS applications as their pages document
// them: aws_identity_center (cursor paging, userName and active each PATCHed alone, names
// required), atlassian, salesforce and github (no DELETE unless the config asks for it), slack;
// and entra_inbound: Microsoft Entra ID's API-driven inbound provisioning, which takes uploads
// of whole users and nothing else (no reads, no look-ups, no DELETE; apply/upload_sender.hpp).
enum class Dialect {
    automatic,
    rfc7644,
    put_only,
    minimal,
    entra,
    aws_identity_center,
    atlassian,
    salesforce,
    github,
    slack,
    entra_inbound
};

// "auto", "rfc7644", ...: the names target.profile takes.
[[nodiscard]] std::string_view dialect_name(Dialect dialect);
[[nodiscard]] std::optional<Dialect> dialect_named(std::string_view name);
// The accepted names, "auto, rfc7644, put_only, minimal, entra", for an error message.
[[nodiscard]] std::string dialect_names();

class TargetProfile {
  public:
    // How a PATCH is written, known before the target is asked (the client is made with it).
    [[nodiscard]] static PatchStyle patch_style(Dialect dialect);
    // Whether userName and active must each go in a PATCH request of their own (known before
    // the target is asked, like patch_style).
    [[nodiscard]] static bool identity_patched_alone(Dialect dialect);
    // Whether the target only takes uploads of whole users, processed later (entra_inbound): it
    // is never asked anything (no discovery, look-up, listing or read-back), every change is
    // the whole user sent again, and what became of it is read from the target's log on a
    // later run.
    [[nodiscard]] static bool uploads_only(Dialect dialect) {
        return dialect == Dialect::entra_inbound;
    }
    // Whether discovery looks at /ServiceProviderConfigs (plural) when the singular answers 404.
    [[nodiscard]] static bool configuration_plural_too(Dialect dialect);
    // Whether a leaver past lifecycle.delete_after_days is DELETEd when target.operations.delete
    // is not set: not where DELETE only deactivates for good or cannot be undone.
    [[nodiscard]] static bool deletes_by_default(Dialect dialect);
    // The budgets the application publishes (writes, reads), the defaults of target.budget;
    // nothing where none is published.
    [[nodiscard]] static http::Budget published_budget(Dialect dialect);
    // The writes the application allows in any 24 hours, the default of
    // target.budget.writes_per_day; nothing where none is published.
    [[nodiscard]] static std::optional<size_t> published_writes_per_day(Dialect dialect);
    // The User attributes every create and PUT must carry ("name.givenName", ...); none for
    // most profiles.
    [[nodiscard]] static std::vector<std::string_view> required_user_attributes(Dialect dialect);
    // Why `person` cannot be sent to a target of this profile (a required attribute the
    // mapping leaves empty, named with the page that requires it); nothing when they can. Only
    // people whose account should be active are checked: a leaver is deactivated whatever
    // their record lacks.
    [[nodiscard]] static std::optional<std::string> refusal(Dialect dialect,
                                                            const DesiredResource& person);

    // The profile of target `name` from what it said (`discovered`), what earlier runs learnt
    // (`earlier`) and the config's `dialect`; says in the log how it will be spoken to.
    [[nodiscard]] static TargetProfile make(const std::string& name, Dialect dialect,
                                            Capabilities discovered,
                                            const std::optional<Capabilities>& earlier);
    // The profile of a target that is never asked (uploads_only): what its documentation says.
    [[nodiscard]] static TargetProfile documented(const std::string& name, Dialect dialect);

    [[nodiscard]] Dialect dialect() const { return m_dialect; }
    [[nodiscard]] PatchStyle patch_style() const { return patch_style(m_dialect); }
    [[nodiscard]] bool patch() const { return m_capabilities.patch; } // false: PUT
    [[nodiscard]] bool filter() const { return m_capabilities.filter; }
    [[nodiscard]] bool etag() const { return m_capabilities.etag; }
    [[nodiscard]] bool bulk() const { return m_capabilities.bulk; }
    // How listings page: by cursor (RFC 9865) where the target announces it or the profile
    // says so, else by index.
    [[nodiscard]] Paging paging() const {
        return m_capabilities.cursor_paging ? Paging::cursor : Paging::index;
    }
    // User attributes it does not keep (learnt): left out of what is sent and compared.
    [[nodiscard]] std::set<std::string> unkept_paths() const;
    // The most members one group PATCH may name, as a refusal taught; nothing while not known.
    [[nodiscard]] std::optional<size_t> member_cap() const {
        if (m_capabilities.member_cap == 0) return std::nullopt;
        return m_capabilities.member_cap;
    }
    // All of the above as the executor and the state take it.
    [[nodiscard]] const Capabilities& capabilities() const { return m_capabilities; }

  private:
    TargetProfile(Dialect dialect, Capabilities capabilities)
        : m_dialect(dialect), m_capabilities(std::move(capabilities)) {}

    Dialect m_dialect;
    Capabilities m_capabilities;
};

// The paths of `capabilities.unkept`.
[[nodiscard]] std::set<std::string> unkept_paths(const Capabilities& capabilities);

} // namespace hr2scim::scim
