#pragma once
// The difference between two User bodies, as attribute changes and as a PatchOp
// (RFC 7644 §3.5.2) that sends only what changed.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::scim {

struct AttributeChange {
    std::string path; // a PATCH path: "title", "name.givenName", "<URN>:department"
    std::optional<nlohmann::json> before; // absent: the attribute is new
    std::optional<nlohmann::json> after;  // absent: the attribute is removed
    bool operator==(const AttributeChange&) const = default;
};

struct PatchOperation {
    std::string op; // "add", "replace" or "remove"
    std::string path;
    std::optional<nlohmann::json> value;
    bool operator==(const PatchOperation&) const = default;
};

// Changed leaves of two bodies. Single-valued attributes and sub-attributes of complex ones
// (name.*, extension attributes) change one by one; a multi-valued attribute (emails) is
// replaced whole, because `add` into it duplicates values on some servers. `entitlements` and
// `roles` are sets: the same items in another order are no change; any other change replaces
// the whole list.
[[nodiscard]] std::vector<AttributeChange> diff_bodies(const nlohmann::json& before,
                                                       const nlohmann::json& after);

[[nodiscard]] std::vector<PatchOperation>
to_patch_operations(const std::vector<AttributeChange>& changes);

// The changes as requests for a target that takes userName and active only each in a PATCH of
// its own (AWS IAM Identity Center, PatchUser page): when both change, active goes alone,
// first when it becomes false (the person loses access before anything else is sent), last
// otherwise (a re-hire gets their new userName, then is let in). Otherwise one request.
[[nodiscard]] std::vector<std::vector<AttributeChange>>
identity_changes_apart(const std::vector<AttributeChange>& changes);

// Applies one change (as diff_bodies makes them) to a body: sets or removes the value at its
// path ("title", "name.givenName", "<URN>", "<URN>:department").
void apply_change(nlohmann::json& body, const AttributeChange& change);

// How a target wants its PatchOp: as RFC 7644 writes it, or as Microsoft Entra ID sends it
// (op names capitalised, "Add"/"Replace"/"Remove", and booleans as the strings "True" and
// "False"), for targets built against Entra.
enum class PatchStyle { rfc7644, entra };

[[nodiscard]] nlohmann::json patch_request(const std::vector<PatchOperation>& operations,
                                           PatchStyle style = PatchStyle::rfc7644);

} // namespace hr2scim::scim
