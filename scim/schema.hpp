#pragma once
// Schema and message URNs (RFC 7643 §8.7, RFC 7644 §3.x).

#include <string_view>

namespace hr2scim::scim {

inline constexpr std::string_view k_user_schema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view k_enterprise_user_schema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view k_patch_op_message =
    "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr std::string_view k_list_response_message =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view k_error_message = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr std::string_view k_scim_media_type = "application/scim+json";

} // namespace hr2scim::scim
