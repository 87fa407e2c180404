#pragma once
// What became of one operation: the executor's answer, the recorder's input. A result is
// classified once, here; nothing else decides what an HTTP status means for a plan.

#include "scim/scim_error.hpp"
#include "state/plan.hpp"
#include "state/stored_resource.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hr2scim::apply {

enum class Result {
    done,            // the target holds what the operation meant
    conflict,        // the target holds something that is somebody else's (409, a verified look-up)
    refused,         // the target said no to this operation (another 4xx)
    transient,       // busy or failing after the retries (408, 429, 5xx): try again next run
    target_unusable, // 401/403 or no answer: every further call would fail the same way
    unknown,         // the call may or may not have taken effect (an answer without a usable id)
    skipped,         // not sent: what it depends on failed, or the target was abandoned
    not_taken,       // answered 2xx, but the target holds other values than those sent
};

[[nodiscard]] std::string_view to_string(Result result);
// What the audit trail and the run's counts call an outcome: to_string(result), or "not sent"
// for an operation the run was asked to stop before sending.
[[nodiscard]] std::string_view to_string(Result result, bool stopped);

// The one place that says what a failed call means.
[[nodiscard]] Result classify(const scim::CallError& error);

// What a failed call says beyond its Result: about the resource or the request. Decided here
// only, beside classify(); nothing else in apply/ compares HTTP statuses.
enum class Answer {
    not_found,       // 404: the resource is not there (deleted, or never was)
    exists,          // 409: it exists already (uniqueness)
    version_changed, // 412: someone changed it since the version sent (If-Match)
    unsupported,     // 405, 501: the target does not do this at all
    too_large,       // 413
    no_target,       // 400 noTarget: a PATCH path matching nothing (what it removes is gone)
    bad_request,     // any other 400
    client_error,    // any other 4xx about the request
    denied,          // 401, 403: the credentials
    rate_limited,    // 429
    busy,            // 408, 503
    failing,         // any other 5xx
    no_answer,       // no HTTP answer at all (or not sent: the target was given up)
};
[[nodiscard]] Answer answer_of(long status, std::string_view scim_type = {});
[[nodiscard]] Answer answer_of(const scim::CallError& error);
// The request itself was refused (a 4xx not about credentials or load, or a 501): sending the
// same again cannot help, but another form of it may.
[[nodiscard]] bool refuses_the_request(Answer answer);
// Nothing usable came back: no answer, busy or failing (not a 429, which says when to return).
[[nodiscard]] bool unanswered(Answer answer);

struct Outcome {
    const state::Operation* operation = nullptr;
    Result result = Result::done;
    std::string message; // why, when not done

    // What the state remembers afterwards.
    enum class Effect { none, save, forget };
    Effect effect = Effect::none;
    std::string scim_id; // the account it concerns
    nlohmann::json body; // what the target holds now, as far as hr2scim sent it
    state::ResourceStatus status = state::ResourceStatus::active;
    std::string version; // the target's version (ETag) of the user after this, if it said

    std::string adoption;   // "took over the existing account <id>, matched by userName"
    bool recreated = false; // the account had been deleted on the target and was created again
    bool deferred = false;  // skipped: the run's budget was spent; the next run sends it
    // Skipped: hr2scim was asked to stop (SIGTERM) before sending it. Not a failure: "not
    // sent", and the next run sends it.
    bool stopped = false;
    // Done as far as the target said: it took the upload (202) to process later. The state
    // keeps it awaiting the target's log (target.profile entra_inbound).
    bool awaiting_confirmation = false;
};

// "not sent: hr2scim was asked to stop (SIGTERM); the next run sends it", and the mark.
void mark_stopped(Outcome& outcome, const std::string& why);

} // namespace hr2scim::apply
