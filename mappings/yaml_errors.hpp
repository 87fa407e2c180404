#pragma once
// yaml-cpp's words for a file it cannot parse ("illegal map value"), with what usually causes
// them in a hand-edited config or mapping, in plain words.

#include <string>
#include <string_view>
#include <yaml-cpp/yaml.h>

namespace hr2scim::mappings {

// The parser's message, then "; " and a hint when one is known: `text` is the file's text, to
// look at the line the error points to (a tab in its indentation is named as such).
[[nodiscard]] std::string yaml_parse_error(const YAML::Exception& error, std::string_view text);

} // namespace hr2scim::mappings
