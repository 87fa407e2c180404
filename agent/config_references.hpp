#pragma once
// References in the config's values, resolved when the config is loaded:
//   ${NAME}             the environment variable NAME (an error if it is unset or empty)
//   ${NAME:-fallback}   the same, or `fallback` when it is unset or empty
//   ${file:PATH}        the first line of the file PATH (relative to the config's folder)
//   ${credential:NAME}  the first line of systemd's credential NAME ($CREDENTIALS_DIRECTORY/NAME,
//                       given to the unit with LoadCredential= or SetCredentialEncrypted=)
//   $${                 a literal ${
// Files and credentials are read as secrets are: owner-only files, the value registered for
// redaction. Secret keys (token, password, client_secret) hold exactly one reference and
// become their token_env / token_file form, so that the secret is read when it is used and
// never held in the config; a secret written inline is refused.

#include <filesystem>
#include <string>
#include <yaml-cpp/yaml.h>

namespace hr2scim::agent {

// "FILE:LINE:COLUMN: " for a position in the config (or "FILE: " when there is none).
[[nodiscard]] std::string config_position(const std::filesystem::path& file,
                                          const YAML::Mark& mark);

// Rewrites `root` in place; throws ConfigError naming the position and the reference.
void resolve_references(YAML::Node& root, const std::filesystem::path& config_file);

// `text` with its references resolved; `where` prefixes errors.
[[nodiscard]] std::string expand_references(std::string_view text, const std::string& where,
                                            const std::filesystem::path& base_directory);

} // namespace hr2scim::agent
