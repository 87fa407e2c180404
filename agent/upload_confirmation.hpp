#pragma once
// An upload target (target.profile entra_inbound) answers 202 and processes later: a taken
// upload is a claim, not a fact. Before planning, each sync reads the job's provisioning log
// for the uploads the state holds as awaiting: one applied goes; one that failed, or that the
// log has not shown within target.confirm_uploads_within, is sent again by this run's plan (at
// most state::k_upload_attempts times for the same values, then it is reported every run and
// left until the record changes).

#include "agent/config.hpp"
#include "scim/scim_client.hpp"
#include "state/plan.hpp"
#include "state/state_store.hpp"

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace hr2scim::agent {

struct UploadCheck {
    size_t confirmed = 0;              // applied, as the log says
    size_t failed = 0;                 // failed or never shown: sent again in this run
    size_t given_up = 0;               // failed too often: not sent again until the record changes
    size_t awaiting = 0;               // not in the log yet
    std::optional<std::string> unread; // why the log could not be read (uploads stay awaiting)
    // The run is partial while uploads fail for good or the log cannot be read.
    [[nodiscard]] size_t problems() const { return given_up + (unread ? 1 : 0); }
};

// Reads the log (no request when nothing awaits) and settles `uploads`, the state's uploads as
// just read from `store`; says what it found on `out`.
[[nodiscard]] UploadCheck check_uploads(scim::ScimClient& client, const TargetConfig& target,
                                        state::StateStore& store,
                                        const std::vector<state::PendingUpload>& uploads,
                                        std::chrono::sys_seconds now, std::ostream& out);

// The operations of people whose upload failed are re-sends: shown and audited as such, with
// the log's reason.
void mark_resends(state::Plan& plan, const std::vector<state::PendingUpload>& uploads,
                  bool case_sensitive_keys);

// What plan says of the uploads the state holds (nothing when there are none).
[[nodiscard]] std::string uploads_note(const std::vector<state::PendingUpload>& uploads);

} // namespace hr2scim::agent
