#include "agent/config.hpp"

#include "agent/config_references.hpp"
#include "agent/did_you_mean.hpp"
#include "apply/inbound_upload.hpp"
#include "connectors/source_preset.hpp"
#include "connectors/source_registry.hpp"
#include "connectors/source_support.hpp"
#include "http/secrets.hpp"
#include "mappings/preset_mappings.hpp"
#include "mappings/text_file.hpp"
#include "mappings/yaml_errors.hpp"
#include "mappings/yaml_limits.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <initializer_list>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace hr2scim::agent {
namespace {

class Reader {
  public:
    explicit Reader(std::filesystem::path file) : m_file(std::move(file)) {}

    [[nodiscard]] std::string where(const YAML::Node& node) const { return where(node.Mark()); }
    [[nodiscard]] std::string where(const YAML::Mark& mark) const {
        return config_position(m_file, mark);
    }

    // Rejects keys outside `allowed`, naming the first unknown one with its position.
    void check_keys(const YAML::Node& map, std::string_view section,
                    std::initializer_list<std::string_view> allowed,
                    std::string_view hint = {}) const {
        if (!map.IsMap()) throw ConfigError(where(map) + std::string(section) + " must be a map");
        for (const auto& item : map) {
            const std::string& key = item.first.Scalar();
            if (std::ranges::find(allowed, key) != allowed.end()) continue;
            std::string listed;
            for (auto name : allowed)
                listed += (listed.empty() ? "" : ", ") + std::string(name);
            throw ConfigError(where(item.first) + "unknown key '" + key + "' in " +
                              std::string(section) +
                              did_you_mean(key, {allowed.begin(), allowed.end()}) +
                              " (expected: " + listed + ")" + std::string(hint));
        }
    }

    [[nodiscard]] std::string text(const YAML::Node& node, std::string_view name) const {
        if (!node.IsScalar() || node.Scalar().empty())
            throw ConfigError(where(node) + std::string(name) + " must be a non-empty string");
        return node.Scalar();
    }

    [[nodiscard]] bool boolean(const YAML::Node& node, std::string_view name) const {
        try {
            return node.as<bool>();
        } catch (const YAML::Exception&) {
            throw ConfigError(where(node) + std::string(name) + " must be true or false");
        }
    }

    template <class Number>
    [[nodiscard]] Number number(const YAML::Node& node, std::string_view name, Number low,
                                Number high) const {
        Number value{};
        try {
            value = node.as<Number>();
        } catch (const YAML::Exception&) {
            throw ConfigError(where(node) + std::string(name) + " must be a number");
        }
        if (value < low || value > high)
            throw ConfigError(where(node) + std::string(name) + " must be between " +
                              std::to_string(low) + " and " + std::to_string(high));
        return value;
    }

    [[nodiscard]] std::filesystem::path path(const YAML::Node& node, std::string_view name) const {
        std::filesystem::path value = text(node, name);
        return value.is_absolute() ? value : m_file.parent_path() / value;
    }

    // A URL is sent as it is: a control character (a CR LF would inject a header) or a space
    // in it is refused here, at its place in the file.
    void plain_url(const YAML::Node& node, const std::string& value, std::string_view name) const {
        const auto bad =
            std::ranges::find_if(value, [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
        if (bad != value.end())
            throw ConfigError(where(node) + std::string(name) +
                              " holds a control character or a space (at character " +
                              std::to_string(bad - value.begin() + 1) + "); refused");
    }

    [[nodiscard]] const std::filesystem::path& file() const { return m_file; }

  private:
    std::filesystem::path m_file;
};

std::string source_type_names() {
    std::string names;
    for (const auto& kind : connectors::source_kinds())
        names += (names.empty() ? "" : ", ") + std::string(kind.name);
    return names;
}

// `fields:` of an http_api source: name: path, or name: {path: ..., optional: true}. Kept as
// one option per field, "fields.<name>", its path ending in '?' when optional; an empty path
// leaves a preset's field out.
void read_fields(const Reader& reader, const YAML::Node& node, connectors::SourceOptions& options) {
    if (!node.IsMap())
        throw ConfigError(reader.where(node) +
                          "source.fields must be a map of name: path (e.g. department: "
                          "attributes.department.value)");
    for (const auto& item : node) {
        const std::string name = item.first.Scalar();
        std::string path;
        if (item.second.IsMap()) {
            reader.check_keys(item.second, "source.fields." + name, {"path", "optional"});
            if (!item.second["path"])
                throw ConfigError(reader.where(item.second) + "source.fields." + name +
                                  " needs a path");
            path = reader.text(item.second["path"], "source.fields." + name + ".path");
            if (item.second["optional"] &&
                reader.boolean(item.second["optional"], "source.fields." + name + ".optional"))
                path += '?';
        } else if (item.second.IsScalar()) {
            path = item.second.Scalar();
        } else {
            throw ConfigError(reader.where(item.second) + "source.fields." + name +
                              " must be a path or {path: ..., optional: true}");
        }
        options.values["fields." + name] = path;
    }
}

std::string with_parameters(std::string_view text,
                            const std::map<std::string, std::string>& values) {
    std::string result(text);
    for (const auto& [name, value] : values) {
        const std::string placeholder = "{" + name + "}";
        for (size_t at = result.find(placeholder); at != std::string::npos;
             at = result.find(placeholder, at + value.size()))
            result.replace(at, placeholder.size(), value);
    }
    return result;
}

// What a preset sets, under what the config set itself: its parameters (required ones must
// be there), its options and its fields, then drops the fields the config emptied.
void apply_preset(const Reader& reader, const YAML::Node& node,
                  const connectors::SourcePreset& preset,
                  std::map<std::string, std::string> parameters,
                  connectors::SourceOptions& options) {
    for (const auto& parameter : preset.parameters) {
        if (parameters.contains(std::string(parameter.name))) continue;
        if (parameter.required)
            throw ConfigError(reader.where(node) + "the " + std::string(preset.name) +
                              " preset needs '" + std::string(parameter.name) + "' (" +
                              std::string(parameter.help) + ")");
        parameters[std::string(parameter.name)] = std::string(parameter.default_value);
    }
    for (const auto& option : preset.options)
        options.values.try_emplace(std::string(option.name),
                                   with_parameters(option.value, parameters));
    for (const auto& field : preset.fields)
        options.values.try_emplace("fields." + std::string(field.name),
                                   with_parameters(field.value, parameters));
    std::erase_if(options.values, [](const auto& option) {
        return option.first.starts_with("fields.") && option.second.empty();
    });
}

const connectors::SourcePreset* preset_named(const Reader& reader, const YAML::Node& node) {
    const std::string name = reader.text(node, "source.preset");
    if (const auto* preset = connectors::find_source_preset(name)) return preset;
    std::vector<std::string> names;
    for (const auto* preset : connectors::source_presets())
        names.emplace_back(preset->name);
    throw ConfigError(reader.where(node) + "unknown source preset '" + name + "'" +
                      did_you_mean(name, names) + " (known: " + connectors::join(names) + ")");
}

// Reads one source section (the primary, or a joined one) into its type, options and guards.
// Returns its preset, if it names one.
const connectors::SourcePreset* read_source(const Reader& reader, const YAML::Node& node,
                                            std::string& source_type,
                                            connectors::SourceOptions& options,
                                            state::SourceGuards& guards,
                                            bool* case_sensitive_keys = nullptr) {
    const connectors::SourcePreset* preset =
        node.IsMap() && node["preset"] ? preset_named(reader, node["preset"]) : nullptr;
    if (!node.IsMap() || (!node["type"] && !preset))
        throw ConfigError(reader.where(node) +
                          "source needs a type (one of: " + source_type_names() + ") or a preset");
    source_type =
        node["type"] ? reader.text(node["type"], "source.type") : std::string(preset->type);
    if (preset && source_type != preset->type)
        throw ConfigError(reader.where(node["type"]) + "the " + std::string(preset->name) +
                          " preset is a " + std::string(preset->type) + " source; leave type out");
    const auto* kind = connectors::find_source_kind(source_type);
    if (!kind)
        throw ConfigError(reader.where(node["type"]) + "unknown source type '" + source_type +
                          "' (known: " + source_type_names() + ")");
    if (preset) options.values["type"] = source_type;
    std::map<std::string, std::string> parameters; // the preset's
    for (const auto& item : node) {
        const std::string& key = item.first.Scalar();
        if (key == "preset") continue;
        // The primary source says how its keys compare (the default: ignoring case).
        if (key == "case_sensitive_keys" && case_sensitive_keys) {
            *case_sensitive_keys = reader.boolean(item.second, "source.case_sensitive_keys");
            continue;
        }
        // Completeness guards apply to every kind of source.
        if (key == "min_records") {
            guards.min_records =
                reader.number<size_t>(item.second, "source.min_records", 0, 100'000'000);
            continue;
        }
        if (key == "max_shrink_percent") {
            guards.max_shrink_percent =
                reader.number<double>(item.second, "source.max_shrink_percent", 0.0, 100.0);
            continue;
        }
        if (preset && std::ranges::any_of(preset->parameters, [&](const auto& parameter) {
                return parameter.name == key;
            })) {
            parameters[key] = reader.text(item.second, "source." + key);
            continue;
        }
        const auto spec = std::ranges::find_if(
            kind->options, [&](const auto& option) { return option.name == key; });
        bool declared = spec != kind->options.end();
        if (!declared) {
            std::vector<std::string> names;
            for (const auto& option : kind->options)
                names.emplace_back(option.name);
            if (preset)
                for (const auto& parameter : preset->parameters)
                    names.emplace_back(parameter.name);
            names.insert(names.end(), {"min_records", "max_shrink_percent"});
            if (case_sensitive_keys != nullptr) names.emplace_back("case_sensitive_keys");
            throw ConfigError(
                reader.where(item.first) + "unknown key '" + key + "' for a " +
                (preset ? std::string(preset->name) + " (" + source_type + ")" : source_type) +
                " source" + did_you_mean(key, names) + " (expected: " + connectors::join(names) +
                ")");
        }
        if (key == "fields") {
            read_fields(reader, item.second, options);
            continue;
        }
        // Optional options may be empty (records: "" means the page itself is the array).
        if (!item.second.IsScalar() || (spec->required && item.second.Scalar().empty()))
            throw ConfigError(reader.where(item.second) + "source." + key + " must be a" +
                              (spec->required ? " non-empty" : "") + " string");
        options.values[key] = item.second.Scalar();
    }
    if (preset) apply_preset(reader, node, *preset, std::move(parameters), options);
    for (const auto& option : kind->options) {
        if (options.values.contains(option.name) || option.name == "fields") continue;
        if (option.required)
            throw ConfigError(reader.where(node) + "a " + source_type + " source needs '" +
                              std::string(option.name) + "' (" + std::string(option.help) + ")");
        options.values[std::string(option.name)] = std::string(option.default_value);
    }
    options.base_directory = reader.file().parent_path();
    return preset;
}

// `mapping:` is a file, or a compiled-in preset: "preset:personio".
std::filesystem::path mapping_path(const Reader& reader, const YAML::Node& node,
                                   std::string_view name) {
    const std::string text = reader.text(node, name);
    if (!text.starts_with("preset:")) return reader.path(node, name);
    if (auto found = mappings::preset_mapping_text(text.substr(7)); !found)
        throw ConfigError(reader.where(node) + std::string(name) + ": " + found.error());
    return text;
}

void read_joins(const Reader& reader, const YAML::Node& node, Config& config) {
    if (!node.IsSequence())
        throw ConfigError(reader.where(node) + "join must be a list of sources to join");
    for (const auto& item : node) {
        reader.check_keys(item, "a join", {"name", "on", "match", "source"});
        for (const char* required : {"name", "on", "source"})
            if (!item[required])
                throw ConfigError(reader.where(item) + "a join needs '" + std::string(required) +
                                  "'");
        JoinConfig join;
        join.name = reader.text(item["name"], "join.name");
        if (join.name.find('.') != std::string::npos)
            throw ConfigError(reader.where(item["name"]) + "join.name must not contain '.'");
        for (const auto& other : config.joins)
            if (other.name == join.name)
                throw ConfigError(reader.where(item["name"]) + "two joins are named " + join.name);
        join.primary_attribute = reader.text(item["on"], "join.on");
        join.secondary_attribute =
            item["match"] ? reader.text(item["match"], "join.match") : join.primary_attribute;
        (void)read_source(reader, item["source"], join.source_type, join.source,
                          join.source_guards);
        config.joins.push_back(std::move(join));
    }
}

void read_breaker(const Reader& reader, const YAML::Node& node, apply::BreakerSettings& breaker) {
    reader.check_keys(node, "target.breaker",
                      {"consecutive_failures", "window", "max_failure_percent"});
    if (node["consecutive_failures"])
        breaker.consecutive_failures = reader.number<size_t>(
            node["consecutive_failures"], "target.breaker.consecutive_failures", 0, 100000);
    if (node["window"])
        breaker.window = reader.number<size_t>(node["window"], "target.breaker.window", 0, 100000);
    if (node["max_failure_percent"])
        breaker.max_failure_percent = reader.number<double>(
            node["max_failure_percent"], "target.breaker.max_failure_percent", 0.0, 100.0);
}

// A number of syncs (24), or an interval with its unit (12h, 7d).
void read_reconcile_every(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    const std::string text = reader.text(node, "target.reconcile_every");
    char* end = nullptr;
    const long number = std::strtol(text.c_str(), &end, 10);
    const std::string unit = end ? std::string(end) : std::string();
    const long seconds_per = unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
    if (number < 1 || end == text.c_str() || (!unit.empty() && seconds_per == 0))
        throw ConfigError(
            reader.where(node) +
            "target.reconcile_every must be a number of syncs (24) or an interval (30m, 12h, 7d)");
    if (unit.empty()) {
        target.reconcile_every_runs = static_cast<size_t>(number);
    } else {
        target.reconcile_every = std::chrono::seconds(number * seconds_per);
    }
}

// target.budget: writes and reads as "N/min" (the vendor's published budget), operations_per_run
// and run_time (a first load spread over runs), writes_per_day and requests_per_day (a vendor's
// rolling 24-hour allocation, held across runs).
void read_budget(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    reader.check_keys(node, "target.budget",
                      {"writes", "reads", "operations_per_run", "run_time", "writes_per_day",
                       "requests_per_day"});
    auto rate = [&](const char* name) -> std::optional<http::Rate> {
        if (!node[name]) return std::nullopt;
        auto parsed =
            http::parse_rate(reader.text(node[name], std::string("target.budget.") + name));
        if (!parsed)
            throw ConfigError(reader.where(node[name]) + "target.budget." + name + ": " +
                              parsed.error());
        return *parsed;
    };
    target.budget.writes = rate("writes");
    target.budget.reads = rate("reads");
    target.budget.source = "target.budget";
    if (node["operations_per_run"])
        target.operations_per_run = reader.number<size_t>(
            node["operations_per_run"], "target.budget.operations_per_run", 1, 100'000'000);
    for (auto [name, cap] : {std::pair{"writes_per_day", &target.writes_per_day},
                             std::pair{"requests_per_day", &target.requests_per_day}})
        if (node[name])
            *cap = reader.number<size_t>(node[name], std::string("target.budget.") + name, 1,
                                         1'000'000'000);
    if (const auto& time = node["run_time"]) {
        const std::string text = reader.text(time, "target.budget.run_time");
        char* end = nullptr;
        const long number = std::strtol(text.c_str(), &end, 10);
        const std::string unit = end ? std::string(end) : std::string();
        const long seconds_per = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
        if (number < 1 || end == text.c_str() || seconds_per == 0)
            throw ConfigError(reader.where(time) +
                              "target.budget.run_time must be a time such as 90s, 45m or 6h");
        target.run_time = std::chrono::seconds(number * seconds_per);
    }
}

void read_oauth2(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    if (!target.token_env.empty() || !target.token_file.empty())
        throw ConfigError(reader.where(node) +
                          "target.auth oauth2 gets its token from token_url; remove "
                          "token_env and token_file");
    if (!node["token_url"] || !node["client_id"])
        throw ConfigError(reader.where(node) + "target.auth oauth2 needs token_url and client_id");
    target.token_url = reader.text(node["token_url"], "target.token_url");
    if (!target.token_url.starts_with("https://") && !target.token_url.starts_with("http://"))
        throw ConfigError(reader.where(node["token_url"]) +
                          "target.token_url must start with https://");
    reader.plain_url(node["token_url"], target.token_url, "target.token_url");
    target.client_id = reader.text(node["client_id"], "target.client_id");
    if (node["client_secret_env"])
        target.client_secret_env =
            reader.text(node["client_secret_env"], "target.client_secret_env");
    if (node["client_secret_file"])
        target.client_secret_file =
            reader.path(node["client_secret_file"], "target.client_secret_file");
    if (target.client_secret_env.empty() == target.client_secret_file.empty())
        throw ConfigError(reader.where(node) + "target.auth oauth2 needs exactly one of "
                                               "client_secret_env or client_secret_file");
    if (node["scope"]) target.scope = reader.text(node["scope"], "target.scope");
}

void read_basic(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    if (!target.token_env.empty() || !target.token_file.empty())
        throw ConfigError(reader.where(node) +
                          "target.auth basic sends a user name and password; remove "
                          "token_env and token_file");
    if (!node["username"])
        throw ConfigError(reader.where(node) + "target.auth basic needs username");
    target.username = reader.text(node["username"], "target.username");
    if (node["password_env"])
        target.password_env = reader.text(node["password_env"], "target.password_env");
    if (node["password_file"])
        target.password_file = reader.path(node["password_file"], "target.password_file");
    if (target.password_env.empty() == target.password_file.empty())
        throw ConfigError(reader.where(node) +
                          "target.auth basic needs exactly one of password_env or "
                          "password_file");
}

// target.auth and its secrets: a bearer token, OAuth2 client credentials, or basic.
void read_auth(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    if (node["token_env"]) target.token_env = reader.text(node["token_env"], "target.token_env");
    if (node["token_file"])
        target.token_file = reader.path(node["token_file"], "target.token_file");
    if (node["auth"]) target.auth = reader.text(node["auth"], "target.auth");
    if (target.auth == "bearer") {
        if (target.token_env.empty() == target.token_file.empty())
            throw ConfigError(reader.where(node) +
                              "target needs exactly one of token_env or token_file");
    } else if (target.auth == "oauth2") {
        read_oauth2(reader, node, target);
    } else if (target.auth == "basic") {
        read_basic(reader, node, target);
    } else {
        throw ConfigError(reader.where(node["auth"]) +
                          "target.auth must be bearer, basic or oauth2");
    }
}

// How it is reached and spoken to: TLS files, timeouts, limits, the profile, Bulk, the breaker.
void read_connection(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    if (node["client_certificate"])
        target.client_certificate =
            reader.path(node["client_certificate"], "target.client_certificate");
    if (node["client_key"])
        target.client_key = reader.path(node["client_key"], "target.client_key");
    if (target.client_certificate.empty() != target.client_key.empty())
        throw ConfigError(reader.where(node) +
                          "target.client_certificate and target.client_key go together");
    if (node["ca_file"]) target.ca_file = reader.path(node["ca_file"], "target.ca_file");
    if (node["timeout_seconds"])
        target.timeout = std::chrono::seconds(
            reader.number<int>(node["timeout_seconds"], "target.timeout_seconds", 1, 3600));
    if (node["max_retries"])
        target.max_retries = reader.number<int>(node["max_retries"], "target.max_retries", 0, 20);
    if (node["max_concurrency"])
        target.max_concurrency =
            reader.number<size_t>(node["max_concurrency"], "target.max_concurrency", 1, 256);
    if (node["requests_per_second"])
        target.requests_per_second = reader.number<double>(
            node["requests_per_second"], "target.requests_per_second", 0.0, 100'000.0);
    if (node["budget"]) read_budget(reader, node["budget"], target);
    target.budget.requests_per_second = target.requests_per_second;
    if (node["profile"]) {
        const auto dialect = scim::dialect_named(reader.text(node["profile"], "target.profile"));
        if (!dialect)
            throw ConfigError(reader.where(node["profile"]) + "target.profile must be one of " +
                              scim::dialect_names());
        target.profile = *dialect;
    }
    if (node["bulk"]) target.bulk = reader.boolean(node["bulk"], "target.bulk");
    if (node["breaker"]) read_breaker(reader, node["breaker"], target.breaker);
    if (const auto& every = node["reconcile_every"]) read_reconcile_every(reader, every, target);
    if (node["token_expiry_warning_days"])
        target.token_expiry_warning_days = reader.number<int>(
            node["token_expiry_warning_days"], "target.token_expiry_warning_days", 0, 3650);
}

void read_operations(const Reader& reader, const YAML::Node& operations, TargetConfig& target) {
    reader.check_keys(operations, "target.operations",
                      {"create", "update", "deactivate", "delete"});
    auto read = [&](const char* name, bool& value) {
        if (operations[name])
            value = reader.boolean(operations[name], std::string("target.operations.") + name);
    };
    read("create", target.operations.create);
    read("update", target.operations.update);
    read("deactivate", target.operations.deactivate);
    read("delete", target.operations.remove);
}

std::chrono::seconds read_interval(const Reader& reader, const YAML::Node& node,
                                   const std::string& name);

// target.profile entra_inbound: its URL is the app's Provisioning API endpoint, and what it
// cannot do is refused here, before any run.
void read_upload_target(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    if (!apply::upload_endpoint(target.url))
        throw ConfigError(reader.where(node["url"]) +
                          "target.url must be the provisioning app's Provisioning API endpoint "
                          "for target.profile entra_inbound: https://graph.microsoft.com/v1.0/"
                          "servicePrincipals/<id>/synchronization/jobs/<jobId>/bulkUpload (the "
                          "app's Provisioning page shows it)");
    if (target.operations.remove && node["operations"] && node["operations"]["delete"])
        throw ConfigError(reader.where(node["operations"]["delete"]) +
                          "target.operations.delete: Entra's inbound provisioning API has no "
                          "DELETE; a leaver is uploaded with active false and the account "
                          "disabled. Remove the line");
    target.operations.remove = false;
    if (node["reconcile_every"])
        throw ConfigError(reader.where(node["reconcile_every"]) +
                          "target.reconcile_every: an entra_inbound target cannot be read back "
                          "(its API takes uploads only); what became of each upload is read from "
                          "its provisioning log on the next run instead. Remove the line");
    if (node["bulk"] && !target.bulk)
        throw ConfigError(reader.where(node["bulk"]) +
                          "target.bulk: an entra_inbound target takes uploads only (Bulk "
                          "requests of whole users); remove the line");
}

void read_target(const Reader& reader, const YAML::Node& node, TargetConfig& target) {
    reader.check_keys(node, "target",
                      {"name",
                       "url",
                       "token_env",
                       "token_file",
                       "ca_file",
                       "timeout_seconds",
                       "max_retries",
                       "breaker",
                       "operations",
                       "reconcile_every",
                       "token_expiry_warning_days",
                       "max_concurrency",
                       "requests_per_second",
                       "budget",
                       "profile",
                       "auth",
                       "token_url",
                       "client_id",
                       "client_secret_env",
                       "client_secret_file",
                       "scope",
                       "client_certificate",
                       "client_key",
                       "bulk",
                       "username",
                       "password_env",
                       "password_file",
                       "max_member_changes_per_patch",
                       "confirm_uploads_within"});
    if (!node["url"]) throw ConfigError(reader.where(node) + "target needs a url");
    target.url = reader.text(node["url"], "target.url");
    if (!target.url.starts_with("https://") && !target.url.starts_with("http://"))
        throw ConfigError(
            reader.where(node["url"]) +
            "target.url must start with https:// (or http:// for a local test server)");
    reader.plain_url(node["url"], target.url, "target.url");
    target.name = node["name"] ? reader.text(node["name"], "target.name") : "default";
    read_auth(reader, node, target);
    read_connection(reader, node, target);
    if (const auto& operations = node["operations"]) read_operations(reader, operations, target);
    // A profile whose DELETE only deactivates for good, or cannot be undone, gets none unless
    // target.operations.delete says so: leavers stay deactivated.
    const bool delete_said = node["operations"] && node["operations"]["delete"];
    if (!delete_said && !scim::TargetProfile::deletes_by_default(target.profile))
        target.operations.remove = false;
    // The application's published budgets, where target.budget names none.
    const auto published = scim::TargetProfile::published_budget(target.profile);
    if (!target.budget.writes && published.writes) {
        target.budget.writes = published.writes;
        target.budget.source = published.source;
    }
    if (!target.budget.reads) target.budget.reads = published.reads;
    if (!target.writes_per_day)
        target.writes_per_day = scim::TargetProfile::published_writes_per_day(target.profile);
    if (node["confirm_uploads_within"])
        target.confirm_uploads_within =
            read_interval(reader, node["confirm_uploads_within"], "target.confirm_uploads_within");
    if (scim::TargetProfile::uploads_only(target.profile)) read_upload_target(reader, node, target);
}

// An interval with its unit: 30m, 12h, 7d.
std::chrono::seconds read_interval(const Reader& reader, const YAML::Node& node,
                                   const std::string& name) {
    const std::string text = reader.text(node, name);
    char* end = nullptr;
    const long number = std::strtol(text.c_str(), &end, 10);
    const std::string unit = end ? std::string(end) : std::string();
    const long seconds_per = unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
    if (number < 0 || number > 3650L * 86400 || end == text.c_str() || seconds_per == 0)
        throw ConfigError(reader.where(node) + name + " must be an interval (30m, 12h, 7d)");
    return std::chrono::seconds(number * seconds_per);
}

void read_safety(const Reader& reader, const YAML::Node& node, state::SafetyLimits& limits,
                 state::GroupPolicy& groups) {
    reader.check_keys(node, "safety",
                      {"max_deactivations", "max_deactivation_percent", "max_clear_percent",
                       "max_group_member_removal_percent", "confirm_absence",
                       "confirm_absence_after"});
    if (node["confirm_absence"])
        limits.confirm_absence =
            reader.number<size_t>(node["confirm_absence"], "safety.confirm_absence", 1, 1000);
    if (node["confirm_absence_after"])
        limits.confirm_absence_after =
            read_interval(reader, node["confirm_absence_after"], "safety.confirm_absence_after");
    if (node["max_group_member_removal_percent"])
        groups.max_member_removal_percent =
            reader.number<double>(node["max_group_member_removal_percent"],
                                  "safety.max_group_member_removal_percent", 0.0, 100.0);
    if (node["max_clear_percent"])
        limits.max_clear_percent = reader.number<double>(node["max_clear_percent"],
                                                         "safety.max_clear_percent", 0.0, 100.0);
    if (node["max_deactivations"])
        limits.max_deactivations = reader.number<size_t>(node["max_deactivations"],
                                                         "safety.max_deactivations", 0, 10'000'000);
    if (node["max_deactivation_percent"])
        limits.max_deactivation_percent = reader.number<double>(
            node["max_deactivation_percent"], "safety.max_deactivation_percent", 0.0, 100.0);
}

// How groups are kept: when members leave, and what becomes of an empty group.
void read_groups(const Reader& reader, const YAML::Node& node, state::GroupPolicy& groups) {
    reader.check_keys(node, "groups", {"members_leave_on", "empty_groups", "managed"});
    if (const auto managed = node["managed"]) {
        if (!managed.IsSequence())
            throw ConfigError(reader.where(managed) +
                              "groups.managed must be a list of group names on the target");
        for (const auto& name : managed)
            groups.managed_names.insert(reader.text(name, "groups.managed"));
    }
    if (const auto leave = node["members_leave_on"]) {
        const auto when = reader.text(leave, "groups.members_leave_on");
        if (when != "deactivation" && when != "deletion")
            throw ConfigError(reader.where(leave) +
                              "groups.members_leave_on must be deactivation or deletion");
        groups.keep_deactivated_members = when == "deletion";
    }
    if (const auto empty = node["empty_groups"]) {
        const auto policy = reader.text(empty, "groups.empty_groups");
        if (policy != "keep" && policy != "delete")
            throw ConfigError(reader.where(empty) + "groups.empty_groups must be keep or delete");
        groups.delete_empty_groups = policy == "delete";
    }
}

// `targets:`: a list of target sections, each with a unique name and, optionally, its own
// mapping, safety and groups (the top-level ones otherwise).
void read_targets(const Reader& reader, const YAML::Node& list, Config& config) {
    if (!list.IsSequence() || list.size() == 0)
        throw ConfigError(reader.where(list) + "targets must be a list of target sections");
    std::set<std::string> names;
    for (const auto& item : list) {
        if (!item.IsMap())
            throw ConfigError(reader.where(item) + "each of targets must be a target section");
        TargetSetup setup{{}, config.mapping, config.safety, config.groups};
        YAML::Node target_keys = YAML::Clone(item);
        for (const char* own : {"mapping", "safety", "groups"})
            target_keys.remove(own);
        if (!item["name"])
            throw ConfigError(reader.where(item) +
                              "each of targets needs a name (it keys the target in the state)");
        read_target(reader, target_keys, setup.target);
        if (!names.insert(setup.target.name).second)
            throw ConfigError(reader.where(item["name"]) + "two targets are named '" +
                              setup.target.name + "'");
        if (item["mapping"])
            setup.mapping = mapping_path(reader, item["mapping"], "targets.mapping");
        if (setup.mapping.empty())
            throw ConfigError(reader.where(item) + "target " + setup.target.name +
                              " has no mapping (and the config names none for every target)");
        if (item["safety"]) read_safety(reader, item["safety"], setup.safety, setup.groups);
        if (item["groups"]) read_groups(reader, item["groups"], setup.groups);
        if (const auto chunk = item["max_member_changes_per_patch"])
            setup.groups.max_member_changes_per_patch =
                reader.number<size_t>(chunk, "target.max_member_changes_per_patch", 1, 10'000);
        config.targets.push_back(std::move(setup));
    }
}

void read_log(const Reader& reader, const YAML::Node& node, Config& config) {
    reader.check_keys(node, "log", {"level"});
    if (!node["level"]) return;
    config.log_level = reader.text(node["level"], "log.level");
    static const std::set<std::string> k_levels = {"trace", "debug", "info", "warn", "error"};
    if (!k_levels.contains(config.log_level))
        throw ConfigError(reader.where(node["level"]) +
                          "log.level must be one of trace, debug, info, warn, error");
}

// notify: a list of webhooks; each names its URL (url_env or url_file), never holds it.
void read_notify(const Reader& reader, const YAML::Node& node, Config& config) {
    if (!node.IsSequence())
        throw ConfigError(reader.where(node) + "notify must be a list of webhooks");
    static const std::map<std::string, WebhookFormat> k_formats = {{"json", WebhookFormat::json},
                                                                   {"slack", WebhookFormat::slack},
                                                                   {"teams", WebhookFormat::teams}};
    static const std::map<std::string, NotifyEvent> k_events = {
        {"withheld", NotifyEvent::withheld},
        {"failed", NotifyEvent::failed},
        {"partial", NotifyEvent::partial},
        {"abandoned", NotifyEvent::abandoned}};
    for (const auto& item : node) {
        reader.check_keys(item, "a notify webhook",
                          {"url_env", "url_file", "format", "on", "timeout_seconds"},
                          " (the URL is a secret: name it with url_env or url_file)");
        WebhookConfig webhook;
        if (item["url_env"]) webhook.url_env = reader.text(item["url_env"], "notify.url_env");
        if (item["url_file"]) webhook.url_file = reader.path(item["url_file"], "notify.url_file");
        if (webhook.url_env.empty() == webhook.url_file.empty())
            throw ConfigError(reader.where(item) +
                              "a notify webhook needs exactly one of url_env or url_file");
        if (const auto format = item["format"]) {
            const auto name = reader.text(format, "notify.format");
            const auto found = k_formats.find(name);
            if (found == k_formats.end())
                throw ConfigError(reader.where(format) + "notify.format '" + name +
                                  "' is not one of json, slack, teams");
            webhook.format = found->second;
        }
        if (const auto on = item["on"]) {
            if (!on.IsSequence() || on.size() == 0)
                throw ConfigError(reader.where(on) +
                                  "notify.on must be a list of withheld, failed, partial, "
                                  "abandoned");
            webhook.on.clear();
            for (const auto& event : on) {
                const auto name = reader.text(event, "notify.on");
                const auto found = k_events.find(name);
                if (found == k_events.end())
                    throw ConfigError(reader.where(event) + "notify.on '" + name +
                                      "' is not one of withheld, failed, partial, abandoned");
                webhook.on.push_back(found->second);
            }
        }
        if (item["timeout_seconds"])
            webhook.timeout = std::chrono::seconds(
                reader.number<int>(item["timeout_seconds"], "notify.timeout_seconds", 1, 60));
        config.notify.push_back(std::move(webhook));
    }
}

} // namespace

Config parse_config(const std::string& yaml_text, const std::filesystem::path& file) {
    Reader reader(file);
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& error) {
        throw ConfigError(reader.where(error.mark) + mappings::yaml_parse_error(error, yaml_text));
    }
    if (auto problem = mappings::check_yaml_tree(root))
        throw ConfigError(reader.where(problem->mark) + problem->message);
    if (!root.IsMap())
        throw ConfigError(file.string() +
                          ": expected a map with source, mapping, target and state");
    resolve_references(root, file);
    reader.check_keys(root, "the config",
                      {"source", "join", "mapping", "target", "targets", "state", "safety",
                       "groups", "log", "metrics", "audit", "notify"});
    Config config;
    config.file = file;
    const bool several = static_cast<bool>(root["targets"]);
    if (several && root["target"])
        throw ConfigError(reader.where(root["targets"]) +
                          "target and targets say the same thing: keep one (targets: a list)");
    for (const char* required : {"source", several ? "targets" : "target", "state"})
        if (!root[required])
            throw ConfigError(file.string() + ": missing '" + std::string(required) + "'");
    const auto* preset = read_source(reader, root["source"], config.source_type, config.source,
                                     config.source_guards, &config.case_sensitive_keys);
    // A source preset brings its mapping; any other config names one.
    if (!several && !root["mapping"] && !preset)
        throw ConfigError(file.string() + ": missing 'mapping'");
    if (root["join"]) read_joins(reader, root["join"], config);
    if (root["mapping"])
        config.mapping = mapping_path(reader, root["mapping"], "mapping");
    else if (preset)
        config.mapping = "preset:" + std::string(preset->mapping);
    config.state = reader.path(root["state"], "state");
    if (root["safety"]) read_safety(reader, root["safety"], config.safety, config.groups);
    if (root["groups"]) read_groups(reader, root["groups"], config.groups);
    config.groups.case_sensitive_keys = config.case_sensitive_keys;
    if (several) {
        read_targets(reader, root["targets"], config);
        const auto& first = config.targets.front();
        config.target = first.target;
        config.mapping = first.mapping;
        config.safety = first.safety;
        config.groups = first.groups;
    } else {
        read_target(reader, root["target"], config.target);
        if (const auto chunk = root["target"]["max_member_changes_per_patch"])
            config.groups.max_member_changes_per_patch =
                reader.number<size_t>(chunk, "target.max_member_changes_per_patch", 1, 10'000);
    }
    if (root["log"]) read_log(reader, root["log"], config);
    if (const auto audit = root["audit"]) {
        reader.check_keys(audit, "audit", {"keep_days", "sensitive"});
        if (audit["keep_days"])
            config.audit_keep = std::chrono::days(
                reader.number<int>(audit["keep_days"], "audit.keep_days", 1, 36'500));
        if (const auto sensitive = audit["sensitive"]) {
            if (!sensitive.IsSequence())
                throw ConfigError(reader.where(sensitive) +
                                  "audit.sensitive must be a list of attribute paths");
            for (const auto& path : sensitive)
                config.audit_sensitive.push_back(reader.text(path, "audit.sensitive"));
        }
    }
    if (const auto metrics = root["metrics"]) {
        reader.check_keys(metrics, "metrics", {"textfile"});
        if (metrics["textfile"])
            config.metrics_textfile = reader.path(metrics["textfile"], "metrics.textfile");
    }
    if (root["notify"]) read_notify(reader, root["notify"], config);
    return config;
}

std::vector<Config> one_config_per_target(const Config& config, const std::string& only) {
    std::vector<Config> configs;
    if (config.targets.empty()) {
        if (!only.empty() && only != config.target.name)
            throw ConfigError("--target " + only + ": the config's target is named '" +
                              config.target.name + "'");
        configs.push_back(config);
        return configs;
    }
    std::string names;
    for (const auto& setup : config.targets) {
        names += (names.empty() ? "" : ", ") + setup.target.name;
        if (!only.empty() && only != setup.target.name) continue;
        Config one = config;
        one.targets.clear();
        one.target = setup.target;
        one.mapping = setup.mapping;
        one.safety = setup.safety;
        one.groups = setup.groups;
        configs.push_back(std::move(one));
    }
    if (configs.empty())
        throw ConfigError("--target " + only +
                          ": no target of that name (the config has: " + names + ")");
    return configs;
}

std::string read_text_file(const std::filesystem::path& file, std::string_view what,
                           std::uintmax_t max_bytes) {
    auto text = mappings::read_regular_file(file, what, max_bytes);
    if (!text) throw ConfigError(text.error());
    return std::move(*text);
}

std::string read_mapping_file(const std::filesystem::path& mapping) {
    auto text = mappings::read_mapping_text(mapping, k_max_config_file_bytes);
    if (!text) throw ConfigError(text.error());
    return std::move(*text);
}

Config load_config(const std::filesystem::path& file) {
    return parse_config(read_text_file(file, "config file"), file);
}

// A secret from an environment variable or an owner-only file, as the config names it.
static std::string read_target_secret(const std::string& env, const std::filesystem::path& file,
                                      const std::string& what) {
    std::string secret;
    if (!env.empty()) {
        const char* value = std::getenv(env.c_str());
        if (!value || !*value)
            throw ConfigError("the environment variable " + env + " (target." + what +
                              "_env) is not set");
        secret = value;
    } else {
        auto read = http::read_secret_file(file);
        if (!read) throw ConfigError("target." + what + "_file: " + read.error());
        secret = *read;
    }
    if (!http::unusable_in_header(secret).empty())
        throw ConfigError("the target's " + what + " holds a control character");
    return secret;
}

http::Credentials resolve_credentials(const TargetConfig& target) {
    http::Credentials credentials;
    if (target.auth == "basic") {
        credentials.kind = http::Credentials::Kind::basic;
        credentials.username = target.username;
        credentials.password =
            read_target_secret(target.password_env, target.password_file, "password");
        return credentials;
    }
    if (target.auth != "oauth2") {
        credentials.kind = http::Credentials::Kind::bearer;
        credentials.token = resolve_token(target);
        return credentials;
    }
    credentials.kind = http::Credentials::Kind::oauth2;
    credentials.token_url = target.token_url;
    credentials.client_id = target.client_id;
    credentials.scope = target.scope;
    credentials.client_secret =
        read_target_secret(target.client_secret_env, target.client_secret_file, "client_secret");
    http::register_secret(credentials.client_secret);
    return credentials;
}

std::string resolve_token(const TargetConfig& target) {
    std::string token;
    if (!target.token_env.empty()) {
        const char* value = std::getenv(target.token_env.c_str());
        if (!value || !*value)
            throw ConfigError("the environment variable " + target.token_env +
                              " (target.token_env) is not set");
        token = value;
        while (!token.empty() && (token.back() == '\r' || token.back() == ' '))
            token.pop_back();
    } else {
        auto read = http::read_secret_file(target.token_file);
        if (!read) throw ConfigError("target.token_file: " + read.error());
        token = *read;
    }
    if (token.empty()) throw ConfigError("the target token is empty");
    if (!http::unusable_in_header(token).empty())
        throw ConfigError(
            "the target token holds a control character (a line break?); it cannot be sent");
    http::register_secret(token);
    return token;
}

namespace {

// 127.0.0.0/8, ::1 or localhost: a receiver on this machine, where plain http:// is allowed.
bool loopback_host(std::string_view url) {
    auto host = url.substr(url.find("//") + 2);
    host = host.substr(0, host.find_first_of("/?#"));
    if (host.starts_with("[")) return host.starts_with("[::1]");
    host = host.substr(0, host.find(':'));
    const bool dotted_quad =
        std::ranges::all_of(host, [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    return host == "localhost" || (host.starts_with("127.") && dotted_quad);
}

} // namespace

std::string resolve_webhook_url(const WebhookConfig& webhook) {
    std::string url;
    const std::string named = webhook.url_env.empty()
                                  ? "notify.url_file " + webhook.url_file.string()
                                  : "notify.url_env " + webhook.url_env;
    if (!webhook.url_env.empty()) {
        const char* value = std::getenv(webhook.url_env.c_str());
        if (!value || !*value)
            throw ConfigError("the environment variable " + webhook.url_env +
                              " (notify.url_env) is not set");
        url = value;
    } else {
        auto read = http::read_secret_file(webhook.url_file);
        if (!read) throw ConfigError("notify.url_file: " + read.error());
        url = *read;
    }
    while (!url.empty() && (url.back() == '\r' || url.back() == ' ' || url.back() == '\n'))
        url.pop_back();
    http::register_secret(url);
    if (!http::unusable_in_header(url).empty())
        throw ConfigError(named + ": the URL holds a control character or a space");
    const bool plain = url.starts_with("http://");
    if (!url.starts_with("https://") && !(plain && loopback_host(url)))
        throw ConfigError(named + ": a webhook URL must start with https:// (http:// only to "
                                  "127.0.0.1, ::1 or localhost)");
    return url;
}

} // namespace hr2scim::agent
