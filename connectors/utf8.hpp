#pragma once

#include <optional>
#include <string_view>

namespace hr2scim::connectors {

// The byte offset of the first invalid UTF-8 sequence, or nothing when `text` is valid.
[[nodiscard]] std::optional<size_t> find_invalid_utf8(std::string_view text);

} // namespace hr2scim::connectors
