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

Result classify(const scim::CallError& error) {
    // Waiting to be sent when the target was given up: never sent at all.
    if (error.status == 0 && error.detail.starts_with("not sent")) return Result::skipped;
    if (error.status == 0 || error.status == 401 || error.status == 403)
        return Result::target_unusable;
    if (error.status == 408 || error.status == 429 || error.status >= 500) return Result::transient;
    if (error.status == 409 || error.scim_type == "uniqueness") return Result::conflict;
    return Result::refused;
}

} // namespace hr2scim::apply
