#include "agent/target_connection.hpp"

#include <spdlog/spdlog.h>

namespace hr2scim::agent {

Connection::Connection(const Config& config, const http::Credentials& credentials)
    : http({std::chrono::seconds(10), config.target.timeout, config.target.ca_file, "hr2scim/0.1",
            config.target.max_concurrency, config.target.client_certificate,
            config.target.client_key}),
      client({config.target.name, config.target.url, credentials,
              scim::TargetProfile::patch_style(config.target.profile),
              scim::TargetProfile::identity_patched_alone(config.target.profile)},
             http,
             http::RetryPolicy{config.target.max_retries + 1, std::chrono::milliseconds(500),
                               std::chrono::seconds(60), std::chrono::seconds(300)},
             config.target.budget) {}

// The target is asked what it is before anything is sent; target.profile overrides it.
std::optional<scim::TargetProfile> preflight(const TargetConfig& target, scim::ScimClient& client,
                                             std::ostream& out,
                                             const std::optional<nlohmann::json>& earlier) {
    // An upload target is never asked: what its documentation says is its profile.
    if (scim::TargetProfile::uploads_only(target.profile))
        return scim::TargetProfile::documented(target.name, target.profile);
    auto found =
        scim::discover(client, scim::TargetProfile::configuration_plural_too(target.profile));
    if (!found) {
        out << "NOT SENT: " << found.error() << "\n";
        spdlog::error("target {}: {}", target.name, found.error());
        return std::nullopt;
    }
    auto profile = scim::TargetProfile::make(
        target.name, target.profile, std::move(*found),
        earlier ? std::optional(scim::capabilities_from_state(*earlier)) : std::nullopt);
    // Known only now (the target may announce cursor paging): before anything is listed.
    client.use_paging(profile.paging());
    return profile;
}

} // namespace hr2scim::agent
