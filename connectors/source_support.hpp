#pragma once
// Small pieces every file-based source shares.

#include <filesystem>
#include <string>

#include <tl/expected.hpp>

#include "connectors/source.hpp"

namespace hr2scim::connectors {

// The whole file, or why it could not be read ("cannot open /x/hr.csv: No such file ...").
[[nodiscard]] tl::expected<std::string, std::string> read_text_file(const std::filesystem::path& path);

// Two records with one key cannot both be the truth: every record with that key is rejected.
void reject_duplicate_keys(SourceRead& read);

[[nodiscard]] std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

} // namespace hr2scim::connectors
