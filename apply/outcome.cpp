#include "apply/outcome.hpp"

namespace hr2scim::apply {

std::string_view to_string(Result result) {
    switch (result) {
    case Result::done:
        return "done";
    case Result::conflict:
        return "conflict";
    case Result::refused:
        return "refused";
    case Result::transient:
        return "transient failure";
    case Result::target_unusable:
        return "target unusable";
    case Result::unknown:
        return "outcome unknown";
    case Result::skipped:
        return "skipped";
    case Result::not_taken:
        return "not taken";
    }
    return "?";
}

std::string_view to_string(Result result, bool stopped) {
    return stopped ? "not sent" : to_string(result);
}

void mark_stopped(Outcome& outcome, const std::string& why) {
    outcome.result = Result::skipped;
    outcome.stopped = true;
    outcome.message = "not sent: " + why + "; the next run sends it";
}

Result classify(const scim::CallError& error) {
    // Waiting to be sent when the target was given up: never sent at all.
    if (error.status == 0 && error.detail.starts_with("not sent")) return Result::skipped;
    if (error.status == 0 || error.status == 401 || error.status == 403)
        return Result::target_unusable;
    if (error.status == 408 || error.status == 429 || error.status >= 500) return Result::transient;
    if (error.status == 409 || error.scim_type == "uniqueness") return Result::conflict;
    return Result::refused;
}

Answer answer_of(long status, std::string_view scim_type) {
    switch (status) {
    case 0:
        return Answer::no_answer;
    case 400:
        return scim_type == "noTarget" ? Answer::no_target : Answer::bad_request;
    case 401:
    case 403:
        return Answer::denied;
    case 404:
        return Answer::not_found;
    case 405:
    case 501:
        return Answer::unsupported;
    case 408:
    case 503:
        return Answer::busy;
    case 409:
        return Answer::exists;
    case 412:
        return Answer::version_changed;
    case 413:
        return Answer::too_large;
    case 429:
        return Answer::rate_limited;
    default:
        return status >= 500 ? Answer::failing : Answer::client_error;
    }
}

Answer answer_of(const scim::CallError& error) {
    return answer_of(error.status, error.scim_type);
}

bool refuses_the_request(Answer answer) {
    switch (answer) {
    case Answer::not_found:
    case Answer::exists:
    case Answer::version_changed:
    case Answer::unsupported:
    case Answer::too_large:
    case Answer::no_target:
    case Answer::bad_request:
    case Answer::client_error:
        return true;
    case Answer::denied:
    case Answer::rate_limited:
    case Answer::busy:
    case Answer::failing:
    case Answer::no_answer:
        return false;
    }
    return false;
}

bool unanswered(Answer answer) {
    return answer == Answer::no_answer || answer == Answer::busy || answer == Answer::failing;
}

} // namespace hr2scim::apply
