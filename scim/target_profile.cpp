#include "scim/target_profile.hpp"

#include <array>
#include <spdlog/spdlog.h>
#include <utility>

namespace hr2scim::scim {
namespace {

constexpr std::array<std::pair<Dialect, std::string_view>, 11> k_dialects{{
    {Dialect::automatic, "auto"},
    {Dialect::rfc7644, "rfc7644"},
    {Dialect::put_only, "put_only"},
    {Dialect::minimal, "minimal"},
    {Dialect::entra, "entra"},
    {Dialect::aws_identity_center, "aws_identity_center"},
    {Dialect::atlassian, "atlassian"},
    {Dialect::salesforce, "salesforce"},
    {Dialect::github, "github"},
    {Dialect::slack, "slack"},
    {Dialect::entra_inbound, "entra_inbound"},
}};

// AWS IAM Identity Center: "The givenName, familyName, userName, and displayName fields are
// required" (CreateUser, https://docs.aws.amazon.com/singlesignon/latest/developerguide/
// createuser.html; the same four for PutUser, .../putuser.html).
constexpr std::array<std::string_view, 4> k_aws_required{"userName", "name.givenName",
                                                         "name.familyName", "displayName"};
// Entra inbound provisioning matches each uploaded user to its account by externalId (its
// default matching pair, externalId to employeeId), and the SCIM core schema requires userName
// (bulkUpload, https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-post-
// bulkupload; RFC 7643 §4.1).
constexpr std::array<std::string_view, 2> k_entra_inbound_required{"externalId", "userName"};

// The value at "name.givenName" (one level of sub-attribute at most), when it is text with
// something in it.
bool holds_text(const nlohmann::json& body, std::string_view path) {
    const nlohmann::json* at = &body;
    while (!path.empty()) {
        const auto dot = path.find('.');
        const std::string name(path.substr(0, dot));
        if (!at->is_object()) return false;
        auto found = at->find(name);
        if (found == at->end()) return false;
        at = &*found;
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
    return at->is_string() &&
           at->get_ref<const std::string&>().find_first_not_of(" \t") != std::string::npos;
}

// What the config's dialect says over what the target said.
void override_by(Dialect dialect, Capabilities& capabilities) {
    switch (dialect) {
    case Dialect::rfc7644:
        capabilities.patch = capabilities.filter = true;
        break;
    case Dialect::put_only:
        capabilities.patch = false;
        break;
    case Dialect::minimal:
        capabilities.patch = capabilities.filter = false;
        break;
    case Dialect::aws_identity_center:
        // ListUsers/ListGroups ignore startIndex and page by cursor, at most 100 a page
        // (https://docs.aws.amazon.com/singlesignon/latest/developerguide/listusers.html).
        capabilities.cursor_paging = true;
        if (capabilities.max_page_size == 0 || capabilities.max_page_size > 100)
            capabilities.max_page_size = 100;
        if (capabilities.max_results == 0 || capabilities.max_results > 100)
            capabilities.max_results = 100;
        // "/Bulk ... not supported" (Limitations, https://docs.amazonaws.cn/en_us/singlesignon/
        // latest/developerguide/limitations.html).
        capabilities.bulk = false;
        break;
    case Dialect::entra_inbound:
    case Dialect::automatic:
    case Dialect::entra:
    case Dialect::atlassian:
    case Dialect::salesforce:
    case Dialect::github:
    case Dialect::slack:
        break;
    }
}

} // namespace

std::string_view dialect_name(Dialect dialect) {
    for (const auto& [each, name] : k_dialects)
        if (each == dialect) return name;
    return "?";
}

std::optional<Dialect> dialect_named(std::string_view name) {
    for (const auto& [dialect, each] : k_dialects)
        if (each == name) return dialect;
    return std::nullopt;
}

std::string dialect_names() {
    std::string names;
    for (const auto& [dialect, name] : k_dialects)
        names += (names.empty() ? "" : ", ") + std::string(name);
    return names;
}

PatchStyle TargetProfile::patch_style(Dialect dialect) {
    return dialect == Dialect::entra ? PatchStyle::entra : PatchStyle::rfc7644;
}

bool TargetProfile::identity_patched_alone(Dialect dialect) {
    // PatchUser: "Not supported: Multiple PATCH operations on userName or active attribute"
    // (https://docs.aws.amazon.com/singlesignon/latest/developerguide/patchuser.html).
    return dialect == Dialect::aws_identity_center;
}

bool TargetProfile::configuration_plural_too(Dialect dialect) {
    // "GET /services/scim/v2/ServiceProviderConfigs" (Understand the SCIM Implementation,
    // https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_implementation.htm).
    return dialect == Dialect::salesforce;
}

http::Budget TargetProfile::published_budget(Dialect dialect) {
    using std::chrono::hours;
    using std::chrono::minutes;
    http::Budget budget;
    switch (dialect) {
    case Dialect::slack:
        // Per endpoint, per minute: POST, PUT/PATCH and DELETE of Users 180 each; GET a user
        // 300; 600 writes and 1,000 reads for all SCIM apps of the org together ("SCIM API rate
        // limits", https://docs.slack.dev/reference/scim-api/rate-limits). Writes are paced to
        // the per-endpoint figure: a first load is creates.
        budget.writes = http::Rate{180, minutes(1)};
        budget.reads = http::Rate{300, minutes(1)};
        budget.source = "profile slack";
        break;
    case Dialect::github:
        // "do not assign more than 1,000 users per hour to the SCIM integration ... attempts to
        // provision users may fail with a 'rate limit' error" (REST API endpoints for SCIM,
        // https://docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/scim); a
        // personal access token has 5,000 requests an hour ("Rate limits for the REST API",
        // https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
        // the reads get what the writes leave of it.
        budget.writes = http::Rate{1000, hours(1)};
        budget.reads = http::Rate{4000, hours(1)};
        budget.source = "profile github";
        break;
    case Dialect::entra_inbound:
        // The bulkUpload reference and the concepts page say 40 calls a second; the
        // troubleshooting page says 40 calls per 5 seconds, and 6,000 per 24 hours, answered
        // 429 beyond (https://learn.microsoft.com/entra/identity/app-provisioning/inbound-
        // provisioning-api-issues). The stricter figures are the defaults (published_writes_
        // per_day for the second): 50 users a call, 400 users a second, 300,000 a day.
        budget.writes = http::Rate{40, std::chrono::seconds(5)};
        budget.source = "profile entra_inbound";
        break;
    default:
        // AWS IAM Identity Center, Atlassian and Salesforce publish no SCIM request budget
        // (docs/research/saas-targets.md): their 429s teach the pace.
        break;
    }
    return budget;
}

std::optional<size_t> TargetProfile::published_writes_per_day(Dialect dialect) {
    // 6,000 calls per 24 hours (the troubleshooting page above).
    if (dialect == Dialect::entra_inbound) return 6000;
    return std::nullopt;
}

bool TargetProfile::deletes_by_default(Dialect dialect) {
    switch (dialect) {
    case Dialect::atlassian:
        // "Deleting a user via the SCIM APIs will ... deactivate the user ... The deleted user
        // is not available for future requests" (jira.js quoting the user provisioning API,
        // https://mrrefactoring.github.io/jira.js/api/functions/userProvisioning.deleteUser.html;
        // 404 afterwards: https://docs.go-atlassian.io/atlassian-admin-cloud/scim/users).
    case Dialect::salesforce:
        // "you deactivate user objects rather than deleting them" (Examples: Deactivate and
        // Reactivate Users with SCIM, https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.
        // identity_scim_deactivate_reactivate_user.htm).
    case Dialect::github:
        // DELETE "Suspends a SCIM user permanently ... This action is irreversible" (REST API
        // endpoints for SCIM, docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/
        // scim); active:false is the reversible soft deprovisioning.
    case Dialect::entra_inbound:
        // No DELETE at all: a leaver is uploaded with active false and the account disabled
        // (inbound provisioning FAQ, https://learn.microsoft.com/entra/identity/app-provisioning/
        // inbound-provisioning-api-faqs).
        return false;
    default:
        return true;
    }
}

std::vector<std::string_view> TargetProfile::required_user_attributes(Dialect dialect) {
    if (dialect == Dialect::aws_identity_center)
        return {k_aws_required.begin(), k_aws_required.end()};
    if (dialect == Dialect::entra_inbound)
        return {k_entra_inbound_required.begin(), k_entra_inbound_required.end()};
    return {};
}

std::optional<std::string> TargetProfile::refusal(Dialect dialect, const DesiredResource& person) {
    const auto required = required_user_attributes(dialect);
    if (required.empty() || person.disposition != Disposition::provision) return std::nullopt;
    // An upload names its account by externalId: a leaver without one cannot be disabled
    // either. Elsewhere a leaver is deactivated whatever their record lacks.
    const bool every_upload = uploads_only(dialect);
    if (person.terminated && !every_upload) return std::nullopt;
    const nlohmann::json body = person.unpacked_body();
    if (auto active = body.find("active");
        !every_upload && active != body.end() && active->is_boolean() && !active->get<bool>())
        return std::nullopt;
    std::string missing;
    for (auto path : required)
        if (!holds_text(body, path)) missing += (missing.empty() ? "" : ", ") + std::string(path);
    if (missing.empty()) return std::nullopt;
    if (every_upload)
        return "target.profile entra_inbound requires " + missing +
               " on every user it uploads (Entra matches each upload to its account by "
               "externalId: bulkUpload page), and the mapping gives this record none; not sent "
               "until the source has it";
    return "target.profile " + std::string(dialect_name(dialect)) + " requires " + missing +
           " on every user it creates or replaces (AWS CreateUser and PutUser pages), and the "
           "mapping gives this record none; not sent until the source has it";
}

TargetProfile TargetProfile::make(const std::string& name, Dialect dialect, Capabilities discovered,
                                  const std::optional<Capabilities>& earlier) {
    // What earlier runs learnt from its answers still holds.
    if (earlier) carry_learnt(discovered, *earlier);
    if (!discovered.patch_refused.empty() && dialect == Dialect::automatic)
        spdlog::info("target {}: PATCH is not used ({}); changes are read-modify-write PUTs. "
                     "Say `target.profile: put_only` in the config to make it explicit",
                     name, discovered.patch_refused);
    override_by(dialect, discovered);
    // RFC 9865 §4 maxPageSize bounds a cursor page as filter.maxResults bounds any page.
    if (discovered.cursor_paging && discovered.max_page_size > 0 &&
        (discovered.max_results == 0 || discovered.max_page_size < discovered.max_results))
        discovered.max_results = discovered.max_page_size;
    spdlog::info("target {} ({}): {}, {}{}{}", name, discovered.described_by,
                 discovered.patch ? "PATCH" : "no PATCH (PUT)",
                 discovered.filter ? "filters" : "no filters (users listed once)",
                 discovered.cursor_paging ? ", cursor paging (RFC 9865)" : "",
                 dialect == Dialect::automatic
                     ? ""
                     : ", as target.profile " + std::string(dialect_name(dialect)) + " says");
    return {dialect, std::move(discovered)};
}

TargetProfile TargetProfile::documented(const std::string& name, Dialect dialect) {
    Capabilities capabilities;
    capabilities.patch = false;
    capabilities.filter = false;
    capabilities.bulk = true;
    // "maximum of 50 user records per request" (bulkUpload page).
    capabilities.bulk_max_operations = 50;
    capabilities.described_by = "its documentation: it is never asked";
    spdlog::info("target {} (target.profile {}): uploads of whole users, at most 50 a request; "
                 "never read",
                 name, dialect_name(dialect));
    return {dialect, std::move(capabilities)};
}

std::set<std::string> TargetProfile::unkept_paths() const {
    return scim::unkept_paths(m_capabilities);
}

std::set<std::string> unkept_paths(const Capabilities& capabilities) {
    std::set<std::string> paths;
    for (const auto& [path, evidence] : capabilities.unkept)
        paths.insert(path);
    return paths;
}

} // namespace hr2scim::scim
