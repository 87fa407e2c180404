#pragma once
// Small pieces every file-based source shares.

#include "connectors/source.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <tl/expected.hpp>

namespace hr2scim::connectors {

// Source files are regular files or pipes; a device (/dev/zero), a folder or a socket is
// refused. Nothing is read beyond `max_bytes`.
inline constexpr size_t k_max_source_file_bytes = size_t{4} << 30;

// The file opened for reading, or why not ("cannot open /x/hr.csv: No such file ...").
[[nodiscard]] tl::expected<std::ifstream, std::string>
open_source_file(const std::filesystem::path& path);

// The whole file, or why it could not be read.
[[nodiscard]] tl::expected<std::string, std::string>
read_text_file(const std::filesystem::path& path, size_t max_bytes = k_max_source_file_bytes);

// Two records with one key cannot both be the truth: every record with that key is rejected.
void reject_duplicate_keys(SourceRead& read);
// Why each of them is rejected: "key 'E1' appears more than once (hr.csv:2, hr.csv:4)".
[[nodiscard]] std::string repeated_key_reason(const std::string& key,
                                              const std::vector<std::string>& origins);

[[nodiscard]] std::string join(const std::vector<std::string>& items,
                               std::string_view separator = ", ");

// A secret the options name: the environment variable in `env_option`, or the first line of
// the file in `file_option`. Empty when neither is given and it is not required. The error
// names the option, never the secret.
[[nodiscard]] std::string secret_option(const SourceOptions& options, const std::string& env_option,
                                        const std::string& file_option, bool required);

// A file option (ca_file): the path resolved against the config's folder, empty when not
// given; an OptionError when the file cannot be opened for reading.
[[nodiscard]] std::string readable_file_option(const SourceOptions& options,
                                               const std::string& name);

// A whole number option within [low, high], or an OptionError naming the option.
[[nodiscard]] long whole_number_option(const SourceOptions& options, const char* name, long low,
                                       long high);

} // namespace hr2scim::connectors
