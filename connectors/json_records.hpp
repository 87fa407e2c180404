#pragma once
// People as JSON objects (HR REST APIs): nested objects become dotted attribute names
// (work.email), arrays become multi-valued attributes (phones.number).

#include "connectors/record.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tl/expected.hpp>

namespace hr2scim::connectors {

[[nodiscard]] Attributes flatten_json(const nlohmann::json& object);

// The array at a JSON pointer (RFC 6901) of a page, or why there is none.
[[nodiscard]] tl::expected<const nlohmann::json*, std::string>
records_at(const nlohmann::json& page, const std::string& pointer);

// The string (or number) at a JSON pointer; nothing when missing, null or empty.
[[nodiscard]] std::optional<std::string> text_at(const nlohmann::json& page,
                                                 const std::string& pointer);

} // namespace hr2scim::connectors
