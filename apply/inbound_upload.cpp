#include "apply/inbound_upload.hpp"

#include "http/url.hpp"
#include "scim/schema.hpp"
#include "state/timestamp.hpp"

#include <algorithm>

namespace hr2scim::apply {
namespace {

using nlohmann::json;

std::string text_at(const json& object, const char* name) {
    if (!object.is_object()) return {};
    auto found = object.find(name);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

LogEntry::Status status_named(std::string_view status) {
    if (status == "success") return LogEntry::Status::success;
    if (status == "warning") return LogEntry::Status::warning;
    if (status == "skipped") return LogEntry::Status::skipped;
    if (status == "failure") return LogEntry::Status::failure;
    return LogEntry::Status::other;
}

// "EntryConflict: <reason>", from provisioningStatusInfo.errorInformation.
std::string reason_of(const json& status_info) {
    if (!status_info.is_object()) return {};
    auto error = status_info.find("errorInformation");
    if (error == status_info.end() || !error->is_object()) return {};
    const auto code = text_at(*error, "errorCode");
    auto reason = text_at(*error, "reason");
    if (reason.empty()) reason = text_at(*error, "additionalDetails");
    if (code.empty()) return reason;
    return reason.empty() ? code : code + ": " + reason;
}

} // namespace

std::optional<UploadEndpoint> upload_endpoint(std::string_view url) {
    const std::string origin = http::origin_of(url);
    if (origin.empty()) return std::nullopt;
    const auto scheme_end = url.find("://");
    const auto path_start = url.find('/', scheme_end + 3);
    if (path_start == std::string_view::npos) return std::nullopt;
    std::string_view path = url.substr(path_start);
    if (const auto query = path.find_first_of("?#"); query != std::string_view::npos)
        path = path.substr(0, query);
    while (path.ends_with('/'))
        path.remove_suffix(1);
    // /<version>/servicePrincipals/<id>/synchronization/jobs/<job>/bulkUpload
    std::vector<std::string_view> segments;
    for (size_t at = 1; at <= path.size();) {
        const auto end = std::min(path.find('/', at), path.size());
        segments.push_back(path.substr(at, end - at));
        at = end + 1;
    }
    if (segments.size() < 7) return std::nullopt;
    const auto tail = segments.end() - 7;
    if (tail[1] != "servicePrincipals" || tail[2].empty() || tail[3] != "synchronization" ||
        tail[4] != "jobs" || tail[5].empty() || tail[6] != "bulkUpload")
        return std::nullopt;
    std::string prefix;
    for (auto segment = segments.begin(); segment != tail + 1; ++segment)
        prefix += "/" + std::string(*segment);
    return UploadEndpoint{.origin = std::string(url.substr(0, path_start)),
                          .logs_url = std::string(url.substr(0, path_start)) + prefix +
                                      "/auditLogs/provisioning",
                          .job_id = http::url_decode(tail[5])};
}

std::string provisioning_log_query(const UploadEndpoint& endpoint, std::chrono::sys_seconds since) {
    // OData: a string literal's quote is doubled; a datetime is written bare.
    std::string job;
    for (char c : endpoint.job_id)
        job += c == '\'' ? std::string("''") : std::string(1, c);
    const std::string filter =
        "jobId eq '" + job + "' and activityDateTime ge " + state::to_timestamp(since);
    return endpoint.logs_url + "?$filter=" + http::url_encode(filter);
}

json upload_user(json body) {
    // The core and enterprise schemas are listed on every user (bulkUpload resource page:
    // https://learn.microsoft.com/graph/api/resources/synchronization-bulkupload), with any
    // other extension the user carries.
    json schemas = json::array({scim::k_user_schema, scim::k_enterprise_user_schema});
    if (body.is_object())
        for (const auto& [name, value] : body.items())
            if (name.starts_with("urn:") && value.is_object() &&
                name != scim::k_enterprise_user_schema)
                schemas.push_back(name);
    body["schemas"] = std::move(schemas);
    return body;
}

json upload_request(const std::vector<UploadItem>& items) {
    json operations = json::array();
    for (const auto& item : items)
        operations.push_back({{"method", "POST"},
                              {"bulkId", item.bulk_id},
                              {"path", "/Users"},
                              {"data", item.user}});
    return {{"schemas", json::array({"urn:ietf:params:scim:api:messages:2.0:BulkRequest"})},
            {"Operations", std::move(operations)},
            {"failOnErrors", nullptr}};
}

std::string_view to_string(LogEntry::Status status) {
    switch (status) {
    case LogEntry::Status::success:
        return "success";
    case LogEntry::Status::warning:
        return "warning";
    case LogEntry::Status::skipped:
        return "skipped";
    case LogEntry::Status::failure:
        return "failure";
    case LogEntry::Status::other:
        break;
    }
    return "other";
}

tl::expected<LogPage, std::string> read_log_page(const json& page, const UploadEndpoint& endpoint) {
    if (!page.is_object() || !page.contains("value") || !page["value"].is_array())
        return tl::unexpected(std::string("the provisioning log's answer holds no `value` list"));
    LogPage read;
    for (const auto& item : page["value"]) {
        LogEntry entry;
        const json source = item.is_object() ? item.value("sourceIdentity", json()) : json();
        entry.external_id = text_at(source, "id");
        const auto at = state::from_timestamp(text_at(item, "activityDateTime"));
        const json status_info =
            item.is_object() ? item.value("provisioningStatusInfo", json()) : json();
        const auto status = text_at(status_info, "status");
        if (entry.external_id.empty() || !at || status.empty()) {
            ++read.unreadable;
            continue;
        }
        entry.at = *at;
        entry.status = status_named(status);
        entry.action = text_at(item, "provisioningAction");
        entry.reason = reason_of(status_info);
        read.entries.push_back(std::move(entry));
    }
    if (auto next = page.find("@odata.nextLink"); next != page.end() && !next->is_null()) {
        if (!next->is_string())
            return tl::unexpected(
                std::string("the provisioning log's @odata.nextLink is not text"));
        const auto link = next->get<std::string>();
        if (http::origin_of(link) != http::origin_of(endpoint.origin))
            return tl::unexpected("the provisioning log's next page is on another host (" +
                                  http::origin_of(link) + "): not followed");
        read.next = link;
    }
    return read;
}

} // namespace hr2scim::apply
