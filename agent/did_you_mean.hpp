#pragma once
// "did you mean 'safety'?" for a misspelt command, option or config key.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::agent {

// Levenshtein distance: insertions, deletions and substitutions of single bytes.
[[nodiscard]] size_t edit_distance(std::string_view a, std::string_view b);

// The name nearest to `word` when it is near enough to be a slip of the keyboard (at most two
// edits, and fewer than half of the word's length), or nothing.
[[nodiscard]] std::optional<std::string> nearest_name(std::string_view word,
                                                      const std::vector<std::string>& names);

// "; did you mean 'NAME'?" for the nearest name, or nothing.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& names);

} // namespace hr2scim::agent
