#include "agent/upload_confirmation.hpp"

#include "apply/inbound_upload.hpp"
#include "state/source_key.hpp"
#include "state/timestamp.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

namespace hr2scim::agent {
namespace {

using state::PendingUpload;

// The target's clock and this machine's may differ: a log entry this much older than the
// upload still counts as its outcome.
constexpr std::chrono::seconds k_clock_slack{120};
// Pages of the log read at most in one run (a next link that never ends must not either).
constexpr size_t k_max_log_pages = 10'000;
// Source ids of the log looked up among the state's accounts, to tell whether the log names
// them at all.
constexpr size_t k_ids_sampled = 200;
// People named one by one in what a run says; the rest are counted.
constexpr size_t k_named = 20;

// Every entry since `since`, by externalId; an error when a page cannot be read.
tl::expected<std::map<std::string, std::vector<apply::LogEntry>>, std::string>
read_log(scim::ScimClient& client, const apply::UploadEndpoint& endpoint,
         std::chrono::sys_seconds since) {
    std::map<std::string, std::vector<apply::LogEntry>> entries;
    std::string url = apply::provisioning_log_query(endpoint, since);
    std::set<std::string> visited;
    size_t unreadable = 0;
    for (size_t pages = 0; pages < k_max_log_pages; ++pages) {
        if (!visited.insert(url).second)
            return tl::unexpected(std::string("the provisioning log's next page repeats an "
                                              "earlier one"));
        auto answer = client.get_document(url);
        if (!answer) return tl::unexpected(answer.error().describe());
        auto page = apply::read_log_page(*answer, endpoint);
        if (!page) return tl::unexpected(page.error());
        unreadable += page->unreadable;
        for (auto& entry : page->entries)
            entries[entry.external_id].push_back(std::move(entry));
        if (!page->next) {
            if (unreadable > 0)
                spdlog::warn("{} entries of the provisioning log name no source id, time or "
                             "status; not used",
                             unreadable);
            return entries;
        }
        url = *page->next;
    }
    return tl::unexpected("the provisioning log has more than " + std::to_string(k_max_log_pages) +
                          " pages since " + state::to_timestamp(since));
}

std::string hours_text(std::chrono::seconds span) {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(span).count();
    if (minutes % 60 != 0) return std::to_string(minutes) + " minutes";
    return std::to_string(minutes / 60) + (minutes == 60 ? " hour" : " hours");
}

} // namespace

UploadCheck check_uploads(scim::ScimClient& client, const TargetConfig& target,
                          state::StateStore& store, const std::vector<PendingUpload>& uploads,
                          std::chrono::sys_seconds now, std::ostream& out) {
    UploadCheck check;
    std::vector<PendingUpload> given_up;
    std::optional<std::chrono::sys_seconds> since;
    for (const auto& upload : uploads) {
        if (upload.status == PendingUpload::Status::given_up) given_up.push_back(upload);
        if (upload.status == PendingUpload::Status::awaiting)
            since = std::min(since.value_or(upload.uploaded_at), upload.uploaded_at);
    }
    const auto endpoint = apply::upload_endpoint(target.url);
    if (since && endpoint) {
        auto log = read_log(client, *endpoint, *since - k_clock_slack);
        if (!log) {
            check.unread = "cannot read the provisioning log (" + log.error() + ")";
            if (log.error().find("HTTP 403") != std::string::npos)
                *check.unread += "; the app needs the AuditLog.Read.All permission to read it";
        } else {
            // A log that has entries but names none of this state's accounts by the externalId
            // sent is not read as "never processed": that would send everyone again, then give
            // everyone up. The uploads stay awaiting, and the run says why.
            std::vector<std::string> named;
            for (const auto& [external_id, entries] : *log) {
                if (named.size() == k_ids_sampled) break;
                named.push_back(external_id);
            }
            const bool names_uploads =
                log->empty() ||
                std::ranges::any_of(uploads,
                                    [&](const PendingUpload& upload) {
                                        return log->contains(upload.external_id);
                                    }) ||
                store.holds_any_account(target.name, named);
            if (!names_uploads)
                check.unread = "the provisioning log has entries, but none names an uploaded "
                               "user by the externalId sent (it names e.g. '" +
                               log->begin()->first +
                               "'); nothing is concluded from it until it does";
            std::vector<std::string> failures;
            for (auto upload : uploads) {
                if (upload.status != PendingUpload::Status::awaiting) continue;
                const apply::LogEntry* newest = nullptr;
                if (auto found = log->find(upload.external_id); found != log->end())
                    for (const auto& entry : found->second)
                        if (entry.at + k_clock_slack >= upload.uploaded_at &&
                            (!newest || entry.at > newest->at))
                            newest = &entry;
                if (newest && newest->status != apply::LogEntry::Status::failure) {
                    store.confirm_upload(target.name, upload.key);
                    ++check.confirmed;
                    if (newest->status != apply::LogEntry::Status::success)
                        spdlog::warn("target {}: {}: the provisioning log says {} ({}{}{})",
                                     target.name, upload.key, to_string(newest->status),
                                     newest->action, newest->reason.empty() ? "" : ": ",
                                     newest->reason);
                    continue;
                }
                if (newest) {
                    upload.reason = "the provisioning log says it failed (" + newest->action +
                                    (newest->reason.empty() ? "" : ": " + newest->reason) + ")";
                } else if (names_uploads &&
                           now - upload.uploaded_at >= target.confirm_uploads_within) {
                    upload.reason = "not in the provisioning log " +
                                    hours_text(target.confirm_uploads_within) +
                                    " after it was uploaded (target.confirm_uploads_within)";
                } else {
                    ++check.awaiting;
                    continue;
                }
                upload.status = upload.attempts >= state::k_upload_attempts
                                    ? PendingUpload::Status::given_up
                                    : PendingUpload::Status::failed;
                store.fail_upload(target.name, upload);
                if (upload.status == PendingUpload::Status::given_up) {
                    given_up.push_back(upload);
                } else {
                    ++check.failed;
                    failures.push_back(upload.key + ": " + upload.reason);
                }
                spdlog::warn("target {}: the upload of {} ({}) {}", target.name, upload.key,
                             upload.kind, upload.reason);
            }
            out << "Provisioning log of target " << target.name << ": " << check.confirmed
                << " uploads applied, " << check.failed << " failed (sent again now), "
                << check.awaiting << " not processed yet\n";
            for (size_t i = 0; i < failures.size() && i < k_named; ++i)
                out << "  " << failures[i] << "\n";
        }
    }
    if (check.unread) {
        spdlog::warn("target {}: {}; the uploads awaiting it stay so", target.name, *check.unread);
        out << "Provisioning log of target " << target.name << ": " << *check.unread << "\n";
    }
    check.given_up = given_up.size();
    if (!given_up.empty()) {
        out << given_up.size() << " uploads failed " << state::k_upload_attempts
            << " times and are not sent again until their record changes:\n";
        for (size_t i = 0; i < given_up.size() && i < k_named; ++i)
            out << "  " << given_up[i].key << ": " << given_up[i].reason << "\n";
    }
    return check;
}

void mark_resends(state::Plan& plan, const std::vector<state::PendingUpload>& uploads,
                  bool case_sensitive_keys) {
    std::map<std::string, const PendingUpload*> failed;
    for (const auto& upload : uploads)
        if (upload.status == PendingUpload::Status::failed)
            failed[state::identity_key(upload.key, case_sensitive_keys)] = &upload;
    if (failed.empty()) return;
    for (auto& operation : plan.operations) {
        auto found = failed.find(state::identity_key(operation.key, case_sensitive_keys));
        if (found == failed.end() || operation.kind == state::OperationKind::link_manager) continue;
        operation.repair = true;
        operation.set_decision("sent again: " + found->second->reason);
    }
}

std::string uploads_note(const std::vector<state::PendingUpload>& uploads) {
    size_t awaiting = 0, failed = 0, given_up = 0;
    for (const auto& upload : uploads) {
        awaiting += upload.status == PendingUpload::Status::awaiting ? 1 : 0;
        failed += upload.status == PendingUpload::Status::failed ? 1 : 0;
        given_up += upload.status == PendingUpload::Status::given_up ? 1 : 0;
    }
    if (uploads.empty()) return {};
    return "Uploads: " + std::to_string(awaiting) +
           " await the provisioning log (sync reads it first), " + std::to_string(failed) +
           " failed and are sent again, " + std::to_string(given_up) +
           " failed too often and wait for their record to change\n";
}

} // namespace hr2scim::agent
