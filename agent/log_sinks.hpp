#pragma once
// Where log lines go, and in which form (--log-format):
// - text: for a terminal or a file: time, level, component, message (the default outside
//   journald).
// - json: one JSON object a line: time (UTC), level, logger, target, key, message.
// - journal: under systemd (JOURNAL_STREAM names our standard error, as systemd sets it),
//   each line goes to journald over its native protocol with its real priority and the
//   fields HR2SCIM_TARGET, HR2SCIM_KEY and HR2SCIM_LOGGER, and no timestamp of ours (the
//   journal keeps its own). A line the socket does not take is written to standard error
//   as "<priority>message", which journald reads as that priority.
// Every format sees the text after redaction (RedactingSink wraps it).

#include <optional>
#include <spdlog/common.h>
#include <string>
#include <string_view>

namespace hr2scim::agent {

enum class LogFormat { text, json, journal };

// The format asked for ("text", "json", "journal"), or with none, journal when standard
// error is the stream systemd connected to journald, and text otherwise.
[[nodiscard]] LogFormat choose_log_format(std::string_view requested);

// The sink for `format`, writing to standard error (and journald's socket). `coloured`: the
// text format's levels in colour (--color and NO_COLOR decide, for standard error).
[[nodiscard]] spdlog::sink_ptr make_log_sink(LogFormat format, bool coloured = false);

// The syslog priority journald files a level under (3 error ... 7 debug).
[[nodiscard]] int journal_priority(spdlog::level::level_enum level);

} // namespace hr2scim::agent
