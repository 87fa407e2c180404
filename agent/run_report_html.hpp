#pragma once
// `--report-html FILE`: the run report's twin as one self-contained page, for the people who
// read what a run did without reading JSON (HR, security, a ticket). The result and times, the
// counts (the JSON report's own numbers), what was not done with the target's reason, the
// withheld set with its digest and approve command, the rejected records, the warnings, and
// each person's change with before and after. No network, no external asset; mode 0600.

#include "agent/run_report.hpp"

#include <filesystem>
#include <string>

namespace hr2scim::agent {

// The page's HTML. Each list stops after `listed` entries (a first load of a million), and says
// how many more; the counts cover all, and the withheld set is always listed whole, as an
// approval names exactly it.
[[nodiscard]] std::string run_report_html(const RunReportInputs& inputs, size_t listed = 2000);

// Writes it to `file` (0600, replaced whole); ConfigError naming the file when it cannot.
void write_run_report_html(const std::filesystem::path& file, const RunReportInputs& inputs);

} // namespace hr2scim::agent
