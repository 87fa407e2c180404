#include "agent/check.hpp"

#include "agent/plan_policy.hpp"
#include "agent/target_checks.hpp"
#include "agent/target_connection.hpp"
#include "agent/token_expiry.hpp"
#include "http/redact.hpp"
#include "scim/discovery.hpp"

#include <fmt/format.h>
#include <sstream>

namespace hr2scim::agent {
namespace {

// What check found, in the order it looked; problems also counted.
class Findings {
  public:
    explicit Findings(std::ostream& out) : m_out(out) {}
    void ok(std::string_view what, const std::string& said) {
        m_out << "  ok       " << what << ": " << said << '\n';
    }
    void problem(std::string_view what, const std::string& said) {
        m_out << "  PROBLEM  " << what << ": " << said << '\n';
        ++m_problems;
    }
    [[nodiscard]] size_t problems() const { return m_problems; }

  private:
    std::ostream& m_out;
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

void check_target(const Prepared& prepared, Findings& found, std::ostream& out) {
    const auto& target = prepared.config.target;
    out << "Target  \"" << target.name << "\" " << http::redact_url(target.url) << '\n';
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
    const auto& capabilities = profile->capabilities();
    found.ok("discovery", capabilities.self_described
                              ? "the target describes itself (" + capabilities.described_by + ")"
                              : "the target does not describe itself; hr2scim finds out as it "
                                "sends (" +
                                    capabilities.described_by + ")");
    // Discovery is often answered without a token: reading a user is what proves it.
    const bool by_cursor = connection.client.paging() == scim::Paging::cursor;
    const auto page = connection.client.list_page(
        scim::ResourceType::user,
        {.count = 1,
         .start_index = by_cursor ? std::nullopt : std::optional<size_t>(1),
         .cursor = by_cursor ? std::optional<std::string>("") : std::nullopt});
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

void check_source(connectors::Source& source, const std::string& setting, Findings& found,
                  std::ostream& out) {
    out << "Source  " << source.describe() << '\n';
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

ExitCode check(const Prepared& prepared, std::ostream& out) {
    Findings found(out);
    check_target(prepared, found, out);
    check_source(*prepared.source, "source", found, out);
    for (const auto& join : prepared.joins)
        check_source(*join.source, "join " + join.config->name, found, out);
    if (found.problems() > 0) {
        out << "\nCHECK FAILED: " << found.problems()
            << (found.problems() == 1 ? " problem" : " problems") << " above.\n";
        return ExitCode::failed;
    }
    out << "\nCheck passed: the target and the sources answer as hr2scim needs.\n";
    return ExitCode::ok;
}

} // namespace hr2scim::agent
