#include "agent/check.hpp"

#include "agent/first_run.hpp"
#include "agent/plan_policy.hpp"
#include "agent/target_checks.hpp"
#include "agent/target_connection.hpp"
#include "agent/token_expiry.hpp"
#include "apply/inbound_upload.hpp"
#include "http/redact.hpp"
#include "scim/discovery.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace hr2scim::agent {
namespace {

// What check found, in the order it looked: printed as it goes, or kept for one JSON document
// (-o json) at the end.
class Findings {
  public:
    Findings(std::ostream& out, bool as_json) : m_out(out), m_as_json(as_json) {}
    void part(const std::string& heading, const std::string& name) {
        if (!m_as_json) m_out << heading << '\n';
        m_part = name;
    }
    void ok(std::string_view what, const std::string& said) { add(what, said, true); }
    void problem(std::string_view what, const std::string& said) {
        add(what, said, false);
        ++m_problems;
    }
    [[nodiscard]] size_t problems() const { return m_problems; }
    [[nodiscard]] const nlohmann::ordered_json& checks() const { return m_checks; }

  private:
    void add(std::string_view what, const std::string& said, bool ok) {
        if (m_as_json)
            m_checks.push_back({{"part", m_part}, {"what", what}, {"ok", ok}, {"said", said}});
        else
            m_out << (ok ? "  ok       " : "  PROBLEM  ") << what << ": " << said << '\n';
    }

    std::ostream& m_out;
    bool m_as_json;
    std::string m_part;
    nlohmann::ordered_json m_checks = nlohmann::ordered_json::array();
    size_t m_problems = 0;
};

std::string describe_credentials(const TargetConfig& target, scim::ScimClient& client) {
    if (target.auth == "oauth2") {
        const auto lifetime = client.access_token_lifetime();
        return "target.token_url (" + http::redact_url(target.token_url) +
               ") gave an access token for target.client_id " + target.client_id +
               (lifetime ? ", valid for " + std::to_string(lifetime->count()) + " s"
                         : std::string(", its lifetime not said"));
    }
    if (target.auth == "basic") return "target.username " + target.username + " and its password";
    return token_setting(target);
}

// The one thing to change when the target refuses the credentials.
std::string refused_fix(const TargetConfig& target) {
    if (target.auth == "oauth2")
        return "check target.client_id and the client secret, and the scopes the target's "
               "application grants";
    if (target.auth == "basic") return "check target.username and the password";
    return "put a valid token in " + token_setting(target);
}

// An upload target is never asked what it is; its token is proven by reading the job's
// provisioning log, which every sync reads too (an upload would be a write).
void check_upload_target(const TargetConfig& target, scim::ScimClient& client, Findings& found) {
    found.ok("discovery", "target.profile entra_inbound: not asked (it takes uploads of whole "
                          "users, 50 a request)");
    const auto endpoint = apply::upload_endpoint(target.url);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto page =
        client.get_document(apply::provisioning_log_query(*endpoint, now - std::chrono::days(1)));
    if (!page) {
        const auto& error = page.error();
        if (error.status == 403)
            found.problem("credentials",
                          "reading the job's provisioning log was refused (" + error.describe() +
                              "): give the app the AuditLog.Read.All permission; sync reads it "
                              "to learn what became of each upload");
        else if (error.status == 401 || error.status == 0)
            found.problem("credentials", "reading the job's provisioning log failed (" +
                                             error.describe() + "): " + refused_fix(target));
        else
            found.problem("credentials", "reading the job's provisioning log failed (" +
                                             error.describe() +
                                             "): target.url must be the app's Provisioning API "
                                             "endpoint");
        return;
    }
    found.ok("credentials", describe_credentials(target, client) +
                                ": accepted (the job's provisioning log read; uploading needs "
                                "SynchronizationData-User.Upload, which only an upload proves)");
}

void check_target(const Prepared& prepared, Findings& found) {
    const auto& target = prepared.config.target;
    found.part("Target  \"" + target.name + "\" " + http::redact_url(target.url), "target");
    if (auto problem = target_problem(target)) {
        found.problem("secret", *problem);
        return;
    }
    const auto credentials = resolve_credentials(target);
    if (auto expiring = token_expiry_warning(
            target, credentials,
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())))
        found.problem("token", *expiring);
    Connection connection(prepared.config, credentials);
    std::ostringstream said; // preflight prints why a target cannot be used
    const auto profile = preflight(target, connection.client, said, std::nullopt);
    if (!profile) {
        std::string why = said.str();
        if (why.starts_with("NOT SENT: ")) why.erase(0, 10);
        while (!why.empty() && why.back() == '\n')
            why.pop_back();
        // A target that wants the token for discovery already said whether it takes it.
        if (why.find("HTTP 401") != std::string::npos || why.find("HTTP 403") != std::string::npos)
            found.problem("credentials", why + ": " + refused_fix(target));
        else
            found.problem("discovery", why + ": target.url must be the SCIM base URL");
        return;
    }
    if (scim::TargetProfile::uploads_only(target.profile)) {
        check_upload_target(target, connection.client, found);
        return;
    }
    const auto& capabilities = profile->capabilities();
    found.ok("discovery", capabilities.self_described
                              ? "the target describes itself (" + capabilities.described_by + ")"
                              : "the target does not describe itself; hr2scim finds out as it "
                                "sends (" +
                                    capabilities.described_by + ")");
    // Discovery is often answered without a token: reading a user is what proves it.
    const auto page = first_user(connection.client);
    if (!page) {
        const auto& error = page.error();
        if (error.status == 401 || error.status == 403)
            found.problem("credentials", "the target refused them reading /Users (" +
                                             error.describe() + "): " + refused_fix(target));
        else
            found.problem("credentials", "reading /Users failed (" + error.describe() +
                                             "): target.url must be the SCIM base URL");
    } else {
        found.ok("credentials", describe_credentials(target, connection.client) +
                                    ": accepted (GET /Users: " +
                                    (page->total ? std::to_string(*page->total) + " users"
                                                 : std::string("users listed")) +
                                    ")");
    }
    if (!capabilities.user_attributes) {
        found.ok("attributes", "the target does not describe them (/Schemas): not checked");
        return;
    }
    const auto lacking = paths_the_target_lacks(prepared.mapping, *capabilities.user_attributes);
    if (lacking.empty())
        found.ok("attributes", "the target has every attribute the mapping sets");
    else
        found.problem("attributes",
                      prepared.mapping.file.string() + " sets " +
                          fmt::format("{}", fmt::join(lacking, ", ")) +
                          ", which the target's /Schemas lack: sync leaves them out; remove them "
                          "from the mapping, or extend the target's schema");
}

void check_source(connectors::Source& source, const std::string& setting, Findings& found) {
    found.part("Source  " + source.describe(), source.describe());
    size_t records = 0;
    const auto read = source.read_each([&](connectors::Record&&) { ++records; });
    if (read.failure)
        found.problem(setting, "the read failed: " + *read.failure);
    else
        found.ok("read",
                 std::to_string(records) + " records" +
                     (read.rejections.empty() ? std::string()
                                              : ", " + std::to_string(read.rejections.size()) +
                                                    " rejected (validate names them)"));
}

} // namespace

ExitCode check(const Prepared& prepared, bool as_json, std::ostream& out) {
    Findings found(out, as_json);
    check_target(prepared, found);
    check_source(*prepared.source, "source", found);
    for (const auto& join : prepared.joins)
        check_source(*join.source, "join " + join.config->name, found);
    const auto code = found.problems() > 0 ? ExitCode::failed : ExitCode::ok;
    if (as_json) {
        const nlohmann::ordered_json document = {
            {"target", prepared.config.target.name},
            {"url", http::redact_url(prepared.config.target.url)},
            {"result", found.problems() > 0 ? "failed" : "passed"},
            {"problems", found.problems()},
            {"exit_code", static_cast<int>(code)},
            {"checks", found.checks()}};
        out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
            << '\n';
    } else if (found.problems() > 0) {
        out << "\nCHECK FAILED: " << found.problems()
            << (found.problems() == 1 ? " problem" : " problems") << " above.\n";
    } else {
        out << "\nCheck passed: the target and the sources answer as hr2scim needs.\n";
    }
    return code;
}

} // namespace hr2scim::agent
