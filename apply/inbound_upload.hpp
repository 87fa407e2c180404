#pragma once
// Microsoft Entra ID's API-driven inbound provisioning, as its Graph pages document it: the
// request an upload is (a SCIM BulkRequest of whole users, POST /Users each), where the job's
// provisioning log is, and what one page of that log says. Pure: apply/upload_sender.cpp sends
// the uploads, agent/upload_confirmation.cpp reads the log.
//
// bulkUpload:
// https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-post-bulkupload log
// entries: https://learn.microsoft.com/graph/api/resources/provisioningobjectsummary

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::apply {

// "At most 50 user records a request" (bulkUpload page).
inline constexpr size_t k_upload_max_users = 50;

// Where an upload target's provisioning log is, from its Provisioning API endpoint
// (https://graph.microsoft.com/v1.0/servicePrincipals/{id}/synchronization/jobs/{jobId}/bulkUpload):
// the same host and API version, /auditLogs/provisioning, filtered by the job's id.
struct UploadEndpoint {
    std::string origin;   // https://graph.microsoft.com
    std::string logs_url; // https://graph.microsoft.com/v1.0/auditLogs/provisioning
    std::string job_id;
};
// Nothing when `url` is not a bulkUpload endpoint of that shape.
[[nodiscard]] std::optional<UploadEndpoint> upload_endpoint(std::string_view url);

// The first page of the job's log entries since `since`.
[[nodiscard]] std::string provisioning_log_query(const UploadEndpoint& endpoint,
                                                 std::chrono::sys_seconds since);

// One user of an upload: its bulkId and its SCIM User (the schemas it uses listed).
struct UploadItem {
    std::string bulk_id;
    nlohmann::json user;
};
[[nodiscard]] nlohmann::json upload_request(const std::vector<UploadItem>& items);
// The user as uploaded: `body` with its schemas listed (core, enterprise, and any other
// extension it carries).
[[nodiscard]] nlohmann::json upload_user(nlohmann::json body);

// One entry of the provisioning log, as far as hr2scim acts on it.
struct LogEntry {
    enum class Status { success, warning, skipped, failure, other };
    std::string external_id; // sourceIdentity.id: the externalId uploaded
    std::chrono::sys_seconds at{};
    Status status = Status::other;
    std::string action; // provisioningAction: create, update, disable, ...
    std::string reason; // errorInformation's reason (and code), when it gives one
};
[[nodiscard]] std::string_view to_string(LogEntry::Status status);

struct LogPage {
    std::vector<LogEntry> entries;
    std::optional<std::string> next; // @odata.nextLink, verified to stay on the log's origin
    size_t unreadable = 0;           // entries without an id, a time or a status
};
// A page as the log answered it; an error when it is not one (no `value` list, a next link to
// another origin: the token is never sent elsewhere).
[[nodiscard]] tl::expected<LogPage, std::string> read_log_page(const nlohmann::json& page,
                                                               const UploadEndpoint& endpoint);

} // namespace hr2scim::apply
