#include "agent/config_references.hpp"

#include "agent/config.hpp"
#include "http/secrets.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

namespace hr2scim::agent {
namespace {

// Keys whose value is a secret, in every section that has them (the target's and the
// sources'); each has a <key>_env and a <key>_file form.
constexpr std::array<std::string_view, 3> k_secret_keys{"token", "password", "client_secret"};

struct Reference {
    enum class Kind { environment, file, credential };
    Kind kind = Kind::environment;
    std::string name; // the variable, the path or the credential
    std::optional<std::string> fallback;
};

bool is_variable_name(std::string_view name) {
    if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
    return std::ranges::all_of(name, [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

// What is between ${ and }.
Reference parse_reference(std::string_view inner, const std::string& where) {
    const std::string written = "${" + std::string(inner) + "}";
    Reference reference;
    if (inner.starts_with("file:")) {
        reference.kind = Reference::Kind::file;
        reference.name = inner.substr(5);
        if (reference.name.empty()) throw ConfigError(where + written + " names no file");
        return reference;
    }
    if (inner.starts_with("credential:")) {
        reference.kind = Reference::Kind::credential;
        reference.name = inner.substr(11);
        if (reference.name.empty() || reference.name == "." || reference.name == ".." ||
            reference.name.find('/') != std::string::npos)
            throw ConfigError(where + written +
                              ": a credential is named as in LoadCredential=NAME:..., without /");
        return reference;
    }
    const auto fallback = inner.find(":-");
    reference.name = inner.substr(0, fallback);
    if (fallback != std::string_view::npos) reference.fallback = inner.substr(fallback + 2);
    if (!is_variable_name(reference.name))
        throw ConfigError(where + written +
                          ": expected ${NAME}, ${NAME:-fallback}, ${file:PATH} or "
                          "${credential:NAME}");
    return reference;
}

std::filesystem::path credential_path(const Reference& reference, const std::string& where) {
    const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
    if (directory == nullptr || *directory == '\0')
        throw ConfigError(where + "${credential:" + reference.name +
                          "}: $CREDENTIALS_DIRECTORY is not set (systemd sets it for a unit "
                          "with LoadCredential=" +
                          reference.name + ":PATH)");
    return std::filesystem::path(directory) / reference.name;
}

std::string resolve(const Reference& reference, const std::string& where,
                    const std::filesystem::path& base_directory) {
    switch (reference.kind) {
    case Reference::Kind::environment: {
        const char* value = std::getenv(reference.name.c_str());
        if (value != nullptr && *value != '\0') return value;
        if (reference.fallback) return *reference.fallback;
        throw ConfigError(where + "the environment variable " + reference.name +
                          " is not set (write ${" + reference.name + ":-fallback} for a default)");
    }
    case Reference::Kind::file:
    case Reference::Kind::credential: {
        std::filesystem::path path = reference.kind == Reference::Kind::file
                                         ? std::filesystem::path(reference.name)
                                         : credential_path(reference, where);
        if (path.is_relative()) path = base_directory / path;
        auto read = http::read_secret_file(path);
        if (!read)
            throw ConfigError(
                where + (reference.kind == Reference::Kind::file ? "${file:" : "${credential:") +
                reference.name + "}: " + read.error());
        return *read;
    }
    }
    return {};
}

// The one reference `text` consists of, if it is exactly one.
std::optional<Reference> sole_reference(std::string_view text, const std::string& where) {
    if (!text.starts_with("${") || !text.ends_with("}") || text.find('}') != text.size() - 1 ||
        text.find("${", 2) != std::string_view::npos)
        return std::nullopt;
    return parse_reference(text.substr(2, text.size() - 3), where);
}

// token: ${X} becomes token_env: X; token: ${file:P} and ${credential:N} become token_file.
void rewrite_secret(YAML::Node& map, const std::string& key, const YAML::Node& value,
                    const std::filesystem::path& config_file) {
    const std::string where = config_position(config_file, value.Mark());
    const auto reference = value.IsScalar() ? sole_reference(value.Scalar(), where) : std::nullopt;
    if (!reference)
        throw ConfigError(where + "secrets are never written in the config: write " + key +
                          ": ${NAME} (an environment variable), ${file:PATH} or "
                          "${credential:NAME} (systemd's LoadCredential=), or use " +
                          key + "_env or " + key + "_file");
    if (map[key + "_env"] || map[key + "_file"])
        throw ConfigError(where + key + " and " + key + "_env or " + key +
                          "_file say the same thing; keep one");
    if (reference->fallback)
        throw ConfigError(where + "a secret has no fallback: remove :-" + *reference->fallback);
    switch (reference->kind) {
    case Reference::Kind::environment:
        map[key + "_env"] = reference->name;
        break;
    case Reference::Kind::file:
        map[key + "_file"] = reference->name;
        break;
    case Reference::Kind::credential:
        map[key + "_file"] = credential_path(*reference, where).string();
        break;
    }
    map.remove(key);
}

void resolve_node(YAML::Node node, const std::filesystem::path& config_file) {
    if (node.IsScalar()) {
        const std::string& text = node.Scalar();
        if (text.find('$') == std::string::npos) return;
        node = expand_references(text, config_position(config_file, node.Mark()),
                                 config_file.parent_path());
        return;
    }
    if (node.IsSequence()) {
        for (auto item : node)
            resolve_node(item, config_file);
        return;
    }
    if (!node.IsMap()) return;
    std::vector<std::pair<std::string, YAML::Node>> secrets;
    for (auto item : node) {
        const std::string& key = item.first.Scalar();
        if (std::ranges::find(k_secret_keys, key) != k_secret_keys.end())
            secrets.emplace_back(key, item.second);
        else
            resolve_node(item.second, config_file);
    }
    for (const auto& [key, value] : secrets)
        rewrite_secret(node, key, value, config_file);
}

} // namespace

std::string config_position(const std::filesystem::path& file, const YAML::Mark& mark) {
    if (mark.is_null()) return file.string() + ": ";
    return file.string() + ":" + std::to_string(mark.line + 1) + ":" +
           std::to_string(mark.column + 1) + ": ";
}

std::string expand_references(std::string_view text, const std::string& where,
                              const std::filesystem::path& base_directory) {
    std::string expanded;
    expanded.reserve(text.size());
    size_t at = 0;
    while (at < text.size()) {
        const auto dollar = text.find('$', at);
        if (dollar == std::string_view::npos) break;
        expanded.append(text.substr(at, dollar - at));
        if (text.substr(dollar).starts_with("$${")) {
            expanded += "${";
            at = dollar + 3;
            continue;
        }
        if (!text.substr(dollar).starts_with("${")) {
            expanded += '$';
            at = dollar + 1;
            continue;
        }
        const auto close = text.find('}', dollar + 2);
        if (close == std::string_view::npos)
            throw ConfigError(where + "a reference opened with ${ has no closing } (write $${ " +
                              "for a literal ${)");
        const auto reference = parse_reference(text.substr(dollar + 2, close - dollar - 2), where);
        expanded += resolve(reference, where, base_directory);
        at = close + 1;
    }
    if (at < text.size()) expanded.append(text.substr(at));
    return expanded;
}

void resolve_references(YAML::Node& root, const std::filesystem::path& config_file) {
    resolve_node(root, config_file);
}

} // namespace hr2scim::agent
