#pragma once
// Sends a plan to a target that only takes uploads of whole users (target.profile
// entra_inbound): every create, update, deactivation, reactivation and manager link is the
// person's whole user sent again, 50 to a request, offboarding first and managers before their
// reports. The target answers 202 and processes later, so a taken upload is an outcome awaiting
// confirmation (the state keeps it until the target's log says: agent/upload_confirmation.hpp).
// It is never asked anything, and never sent a DELETE.

#include "apply/outcome.hpp"
#include "apply/recorder.hpp"
#include "scim/scim_client.hpp"
#include "state/plan.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hr2scim::apply {

struct UploadSettings {
    bool case_sensitive_keys = false;
    // The run's own budget (target.budget.operations_per_run, run_time): what does not fit
    // waits for the next run (Outcome::deferred), the most urgent sent first.
    std::optional<size_t> max_operations;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::string budget_setting;
};

class UploadSender {
  public:
    UploadSender(scim::ScimClient& client, OutcomeSink& sink, UploadSettings settings)
        : m_client(client), m_sink(sink), m_settings(std::move(settings)) {}

    // One outcome per operation, handed to the sink as each request is answered. `accounts`:
    // the externalId of each key the state holds an account for (its SCIM id), for the
    // manager references of people whose manager is not uploaded in this run.
    [[nodiscard]] std::vector<Outcome> run(state::Plan& plan,
                                           const std::map<std::string, std::string>& accounts);
    // Why the target was given up, when it was (refused credentials, or no answer to three
    // requests in a row).
    [[nodiscard]] const std::optional<std::string>& abandoned() const { return m_abandoned; }

  private:
    struct Upload;
    void send(std::vector<Upload*> batch, std::vector<Outcome>& outcomes);
    void settle(Upload& upload, Outcome outcome, std::vector<Outcome>& outcomes);
    [[nodiscard]] std::optional<std::string> over_budget() const;

    scim::ScimClient& m_client;
    OutcomeSink& m_sink;
    UploadSettings m_settings;
    std::optional<std::string> m_abandoned;
    size_t m_sent = 0;       // operations sent so far (the run's budget counts them)
    size_t m_unanswered = 0; // requests in a row without an answer
    size_t m_next_bulk_id = 1;
};

} // namespace hr2scim::apply
