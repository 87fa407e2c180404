#pragma once
// A write is verified, and never destroys what hr2scim does not manage.
// - A PUT replaces the whole resource (RFC 7644 §3.5.1): what is sent is what the target held,
//   with only the managed attributes changed (read-modify-write).
// - A 2xx is not proof: the resource the target answers (or reads back) is compared with the
//   managed values sent; what it did not take is named attribute by attribute.

#include "scim/patch.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace hr2scim::scim {

// The body of a read-modify-write PUT: `held` (as the target answered a GET) with the
// attributes of `body` set, and those `changes` remove cleared (sent as null, for targets whose
// PUT merges). A multi-valued attribute whose items all carry a type changes only the items of
// the types hr2scim sends or removes: the app's own `home` e-mail stays (but `entitlements` and
// `roles`, sets the mapping owns, are sent whole). Read-only `meta` is
// left out; every other attribute is sent back exactly as read.
[[nodiscard]] nlohmann::json merge_managed(const nlohmann::json& held, const nlohmann::json& body,
                                           const std::vector<AttributeChange>& changes);

// One managed value the target did not take.
struct NotTaken {
    std::string path;    // as apply_change takes it: "title", "name.givenName", "emails", "<URN>:x"
    std::string shown;   // as the run says it: "emails[work].value"
    nlohmann::json held; // what the target holds there (null: nothing)
    nlohmann::json sent; // what hr2scim sent there
};

struct WriteCheck {
    // Attributes the target holds with another value than the one sent.
    std::vector<NotTaken> kept;
    // Attributes sent with a value that the target's answer does not have at all (a target
    // that does not keep them), as apply_change paths.
    std::vector<std::string> dropped;
    [[nodiscard]] bool clean() const { return kept.empty() && dropped.empty(); }
};

// Compares the managed values of `sent` with the resource `answered` (`entitlements` and `roles`
// as sets: in any order, nothing more, nothing less). Strings compare ignoring
// case (RFC 7643: caseExact false) but externalId; booleans also as "True"/"False" strings;
// write-only `password`, `id`, `meta` and `schemas` are not compared.
[[nodiscard]] WriteCheck check_written(const nlohmann::json& sent, const nlohmann::json& answered);

// "target kept emails[work].value = old@example.com; sent new@example.com" for each value
// (and "target dropped title" for each dropped one), joined by "; ".
[[nodiscard]] std::string describe(const WriteCheck& check);

// Sets the body's values that the target did not take to what it holds (`resource`), so that
// the state records what the target holds, never what was sent.
void record_held(nlohmann::json& body, const nlohmann::json& resource, const WriteCheck& check);

// The value at an apply_change path ("title", "name.givenName", "<URN>:department"), if any.
[[nodiscard]] const nlohmann::json* value_at_change_path(const nlohmann::json& body,
                                                         const std::string& path);

// Removes attributes given as apply_change paths (compared ignoring case) from a body;
// returns whether any was there.
bool drop_attributes(nlohmann::json& body, const std::set<std::string>& paths);

} // namespace hr2scim::scim
