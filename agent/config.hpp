#pragma once
// The agent's config file (YAML). Relative paths resolve against the file's folder;
// secrets are never written inline, only named (token_env, token_file, or a ${...} reference:
// see config_references.hpp).

#include "apply/breaker.hpp"
#include "connectors/source.hpp"
#include "http/auth.hpp"
#include "http/budget.hpp"
#include "http/run_error.hpp"
#include "scim/target_profile.hpp"
#include "state/group_plan.hpp"
#include "state/planner.hpp"
#include "state/source_guard.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hr2scim::agent {

// Anything wrong with the configuration; the message names file:line:column when it can.
class ConfigError : public RunError {
  public:
    using RunError::RunError;
};

struct TargetConfig {
    std::string name;
    std::string url;
    // target.auth: bearer (token_env or token_file) or oauth2 (client credentials).
    std::string auth = "bearer";
    std::string token_env; // bearer: one of token_env and token_file is set
    std::filesystem::path token_file;
    std::string token_url; // oauth2
    std::string client_id;
    std::string client_secret_env; // oauth2: one of these two is set
    std::filesystem::path client_secret_file;
    std::string scope;
    std::string username;     // basic
    std::string password_env; // basic: one of these two is set
    std::filesystem::path password_file;
    // Mutual TLS: a client certificate and its key (PEM), both or neither.
    std::filesystem::path client_certificate;
    std::filesystem::path client_key;
    std::filesystem::path ca_file; // empty: the system's trust store
    std::chrono::seconds timeout{30};
    int max_retries = 3;
    size_t max_concurrency = 8;     // operations in flight at once (target.max_concurrency)
    double requests_per_second = 0; // the target's rate limit; 0: none configured
    // target.budget: the vendor's published write/read budgets ("180/min"), paced to and
    // adapted to 429s; requests_per_second above is folded into it (http/budget.hpp).
    http::Budget budget;
    // target.budget.operations_per_run / run_time: a run sends at most this many operations,
    // or for at most this long; the rest waits for the next run (offboarding first).
    std::optional<size_t> operations_per_run;
    std::optional<std::chrono::seconds> run_time;
    // target.budget.writes_per_day / requests_per_day: what the vendor allows in a rolling 24
    // hours (requests: reads and writes). Counted in the state across runs (agent/daily_cap.hpp).
    std::optional<size_t> writes_per_day;
    std::optional<size_t> requests_per_day;
    // target.profile: how to talk to it (scim/target_profile.hpp says what each means).
    scim::Dialect profile = scim::Dialect::automatic;
    bool bulk = true; // target.bulk: use Bulk requests where the target supports them
    apply::BreakerSettings breaker;
    state::OperationSwitches operations; // target.operations: which kinds of change it receives
    // target.reconcile_every: read the managed users back every this many syncs, or this long.
    std::optional<size_t> reconcile_every_runs;
    std::optional<std::chrono::seconds> reconcile_every;
    // target.token_expiry_warning_days: check, sync and run warn when the bearer token (a JWT)
    // expires within this many days; 0: never.
    int token_expiry_warning_days = 14;
    // target.confirm_uploads_within (entra_inbound): an upload its provisioning log has not
    // shown this long after it was sent is sent again.
    std::chrono::seconds confirm_uploads_within{std::chrono::hours(6)};
};

// A secondary source joined onto the primary one.
struct JoinConfig {
    std::string name;                // its attributes are named <name>.<attribute>
    std::string primary_attribute;   // `on:`
    std::string secondary_attribute; // `match:`; defaults to `on:`
    std::string source_type;
    connectors::SourceOptions source;
    state::SourceGuards source_guards;
};

// One target of a config with several (`targets:`): its own mapping, safety limits and group
// policy (the top-level ones where it names none).
struct TargetSetup {
    TargetConfig target;
    std::filesystem::path mapping;
    state::SafetyLimits safety;
    state::GroupPolicy groups;
};

// When a webhook is told: a run held back by a safety gate (with the withheld set's digest and
// the command that approves it), one that failed, one that was partial, and one whose target
// the breaker gave up on.
enum class NotifyEvent { withheld, failed, partial, abandoned };
// What a webhook's body looks like: hr2scim's own JSON, a Slack or a Microsoft Teams message.
enum class WebhookFormat { json, slack, teams };

// One entry of `notify:`. Its URL is a credential (whoever holds a Slack webhook URL can post
// to the channel): named, never written in the config, as the target's token is, and read only
// when a notice is sent.
struct WebhookConfig {
    std::string url_env{}; // one of these two is set
    std::filesystem::path url_file{};
    WebhookFormat format = WebhookFormat::json;
    std::vector<NotifyEvent> on{NotifyEvent::withheld, NotifyEvent::failed, NotifyEvent::partial,
                                NotifyEvent::abandoned};
    std::chrono::seconds timeout{10};
};

struct Config {
    std::filesystem::path file;
    std::string source_type;
    connectors::SourceOptions source;
    state::SourceGuards source_guards;
    std::vector<JoinConfig> joins;
    std::filesystem::path mapping;
    TargetConfig target;
    std::filesystem::path state;
    state::SafetyLimits safety;
    // How groups are kept (`groups:`, safety.max_group_member_removal_percent,
    // target.max_member_changes_per_patch); which groups, the mapping says.
    state::GroupPolicy groups;
    // Source keys compare ignoring case unless the source says otherwise
    // (source.case_sensitive_keys).
    bool case_sensitive_keys = false;
    std::string log_level = "info";
    // metrics.textfile: Prometheus metrics written after every sync (node_exporter's textfile
    // collector); empty: none.
    std::filesystem::path metrics_textfile;
    // audit: how long the audit trail keeps entries, and attributes whose values it redacts.
    std::chrono::days audit_keep{365};
    std::vector<std::string> audit_sensitive;
    // notify: webhooks told when a run is withheld, fails, is partial or gives its target up.
    std::vector<WebhookConfig> notify;
    // With `targets:`, every target (target, mapping, safety and groups above are the first's);
    // empty with `target:`.
    std::vector<TargetSetup> targets;
};

// One config per target, in the file's order (the config itself when it has one target);
// `only`: just the target of that name (a ConfigError naming the targets when there is none).
[[nodiscard]] std::vector<Config> one_config_per_target(const Config& config,
                                                        const std::string& only = {});

[[nodiscard]] Config load_config(const std::filesystem::path& file);
// Config and mapping files larger than this are refused unread.
inline constexpr std::uintmax_t k_max_config_file_bytes = std::uintmax_t{16} << 20;

// A file's whole text; ConfigError "cannot open <what> <file>" when it cannot be read. Only a
// regular file is read (a FIFO would block the service loop, /dev/zero never ends), and only
// up to `max_bytes`.
[[nodiscard]] std::string read_text_file(const std::filesystem::path& file, std::string_view what,
                                         std::uintmax_t max_bytes = k_max_config_file_bytes);
[[nodiscard]] Config parse_config(const std::string& yaml_text, const std::filesystem::path& file);
// A mapping's text: a compiled-in preset's for "preset:<name>", else the file's (as above).
[[nodiscard]] std::string read_mapping_file(const std::filesystem::path& mapping);

// Reads the target's token from the environment or its file; the error never holds the token.
[[nodiscard]] std::string resolve_token(const TargetConfig& target);
// A webhook's URL from the environment or its file, registered as a secret; a ConfigError (that
// never holds the URL) when it is missing, or is not https:// (http:// only to a loopback
// address: a local receiver, a test).
[[nodiscard]] std::string resolve_webhook_url(const WebhookConfig& webhook);
// The target's credentials as target.auth says, secrets read and registered.
[[nodiscard]] http::Credentials resolve_credentials(const TargetConfig& target);

} // namespace hr2scim::agent
