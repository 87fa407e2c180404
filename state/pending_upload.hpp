#pragma once
// An upload the target took without saying what became of it (target.profile entra_inbound
// answers 202 and processes later): what the state remembers until the target's log says.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::state {

struct PendingUpload {
    enum class Status {
        awaiting, // sent; the log has not said yet
        failed,   // the log said it failed (or never showed it): the next plan sends it again
        given_up, // failed k_upload_attempts times: not sent again until the record changes
    };
    std::string key;         // the state's spelling
    std::string external_id; // what the target matches it by, and its log names it by
    std::chrono::sys_seconds uploaded_at{};
    size_t attempts = 1; // uploads of the same values without a confirmed success
    std::string kind;    // the operation uploaded ("create", "deactivate", ...)
    Status status = Status::awaiting;
    std::string reason{}; // failed or given up: why, as the log said
};

// Uploads of the same values that may fail before hr2scim stops sending them again.
inline constexpr size_t k_upload_attempts = 3;

[[nodiscard]] std::string_view to_string(PendingUpload::Status status);
[[nodiscard]] std::optional<PendingUpload::Status> upload_status_from(std::string_view text);

} // namespace hr2scim::state
