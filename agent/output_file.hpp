#pragma once
// Files hr2scim writes for other programs (the run report, the metrics): written beside their
// final name and renamed over it, so that a reader (node_exporter's textfile collector, a
// monitoring script) never sees half a file.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace hr2scim::agent {

// Throws ConfigError naming the file and the reason.
void write_file_atomically(const std::filesystem::path& file, std::string_view content,
                           mode_t mode);

// Why `file` could not be written there (its folder is missing or not writable), naming the
// config's `setting`; nothing when it could. validate asks before a run finds out.
[[nodiscard]] std::optional<std::string> output_folder_problem(const std::filesystem::path& file,
                                                               std::string_view setting);

} // namespace hr2scim::agent
