#include "agent/token_expiry.hpp"

#include "http/url.hpp"
#include "state/timestamp.hpp"

#include <nlohmann/json.hpp>

namespace hr2scim::agent {

std::optional<std::chrono::sys_seconds> jwt_expiry(std::string_view token) {
    // header.payload.signature, each base64url.
    const auto first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    const auto payload = http::base64url_decode(token.substr(first + 1, second - first - 1));
    if (!payload) return std::nullopt;
    const auto claims = nlohmann::json::parse(*payload, nullptr, false);
    if (!claims.is_object()) return std::nullopt;
    const auto exp = claims.find("exp");
    // NumericDate: seconds since the epoch; anything past year 9999 is no date.
    if (exp == claims.end() || !exp->is_number() || exp->get<double>() <= 0 ||
        exp->get<double>() > 253402300799.0)
        return std::nullopt;
    return std::chrono::sys_seconds(std::chrono::seconds(exp->get<long long>()));
}

std::string token_setting(const TargetConfig& target) {
    if (!target.token_env.empty()) return "target.token_env (" + target.token_env + ")";
    if (!target.token_file.empty()) return "target.token_file (" + target.token_file.string() + ")";
    return "target.token";
}

std::optional<std::string> token_expiry_warning(const TargetConfig& target,
                                                const http::Credentials& credentials,
                                                std::chrono::sys_seconds now) {
    if (credentials.kind != http::Credentials::Kind::bearer ||
        target.token_expiry_warning_days == 0)
        return std::nullopt;
    const auto expiry = jwt_expiry(credentials.token);
    if (!expiry) return std::nullopt;
    const auto left = *expiry - now;
    if (left > std::chrono::days(target.token_expiry_warning_days)) return std::nullopt;
    const std::string when = state::to_timestamp(*expiry);
    if (left <= std::chrono::seconds(0))
        return token_setting(target) + ": the token expired at " + when +
               "; the target refuses it: put a new one there";
    const auto days = std::chrono::floor<std::chrono::days>(left).count();
    return token_setting(target) + ": the token expires at " + when + " (in " +
           (days >= 1 ? std::to_string(days) + (days == 1 ? " day" : " days")
                      : std::string("less than a day")) +
           "); renew it before then (target.token_expiry_warning_days: " +
           std::to_string(target.token_expiry_warning_days) + ")";
}

} // namespace hr2scim::agent
