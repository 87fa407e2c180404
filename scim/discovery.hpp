#pragma once
// Before any write, one request proves the target's URL and credentials, and what it says
// about itself (/ServiceProviderConfig, then /Schemas) decides how the run talks to it:
// PATCH or PUT, filtered look-ups or one listing, Bulk limits, ETags, the attributes it knows.

#include "scim/scim_client.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tl/expected.hpp>

namespace hr2scim::scim {

struct Capabilities {
    bool patch = true;      // false: updates PUT the whole resource
    bool filter = true;     // false: users are found by listing them once per run
    size_t max_results = 0; // filter.maxResults, the largest page it returns (0: not said)
    bool bulk = false;
    size_t bulk_max_operations = 0;
    size_t bulk_max_payload = 0;
    bool etag = false;
    // RFC 9865 cursor paging: listings go by `cursor`/`nextCursor` instead of startIndex (the
    // target announces `pagination.cursor`, or its profile says so: aws_identity_center).
    bool cursor_paging = false;
    size_t max_page_size = 0; // pagination.maxPageSize (0: not said)
    // The User attributes the target describes, lower-cased: "title", "name.givenName",
    // "urn:...:enterprise:2.0:User:department". Nothing when it does not say.
    std::optional<std::set<std::string>> user_attributes;
    std::string described_by;    // where this came from, for the log
    bool self_described = false; // it answered /ServiceProviderConfig

    // What runs learnt from the target's answers, kept in the state between runs (discovery
    // does not change them).
    // User attributes it does not keep (apply_change paths as sent: "title",
    // "<urn>:department"), each with the evidence: left out of what is sent and compared.
    std::map<std::string, std::string> unkept;
    // Why PATCH is not used on a target that does not describe itself (its first PATCH was
    // refused with 400 or 5xx): empty while PATCH is not known to fail.
    std::string patch_refused;
    // The most members one group PATCH may carry, as a 400 naming a member limit taught (0: not
    // known to be limited); with its evidence.
    size_t member_cap = 0;
    std::string member_cap_evidence;
};

// Carries what earlier runs learnt (unkept attributes, a refused PATCH) into a fresh discovery.
void carry_learnt(Capabilities& fresh, const Capabilities& earlier);

// Reads the target's own description; a target without /ServiceProviderConfig is proven with
// one GET /Users and assumed to follow RFC 7644. An unusable target (wrong URL, refused
// credentials, no answer, not SCIM) is one error naming the request and what came back.
// `plural_too`: a 404 at /ServiceProviderConfig is followed by /ServiceProviderConfigs (the
// profile says where: scim/target_profile.hpp).
[[nodiscard]] tl::expected<Capabilities, std::string> discover(ScimClient& client,
                                                               bool plural_too = false);

// Reads a ServiceProviderConfig document (exposed for tests).
[[nodiscard]] Capabilities capabilities_from(const nlohmann::json& config);
// The User attributes described by a /Schemas answer, or nothing if it describes no User.
[[nodiscard]] std::optional<std::set<std::string>>
user_attributes_from(const nlohmann::json& schemas);

// As the state keeps it between runs, and back (anything unreadable reads as RFC defaults).
[[nodiscard]] nlohmann::json to_json(const Capabilities& capabilities);
[[nodiscard]] Capabilities capabilities_from_state(const nlohmann::json& stored);

// The schema extensions /ResourceTypes lists for its User type, lower-cased; nothing when it
// describes no User type.
[[nodiscard]] std::optional<std::set<std::string>>
user_extensions_from(const nlohmann::json& resource_types);
// `known` without the attributes of extensions the User type does not take.
void keep_extensions(std::set<std::string>& known, const std::set<std::string>& extensions);

// Whether `path` ("title", "name.givenName", "urn:...:User:department") is one of `known`.
[[nodiscard]] bool knows_attribute(const std::set<std::string>& known, std::string_view path);
// Removes from a User body the attributes the target does not know; returns their paths.
std::vector<std::string> drop_unknown_attributes(nlohmann::json& body,
                                                 const std::set<std::string>& known);

} // namespace hr2scim::scim
