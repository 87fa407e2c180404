#pragma once
// Prometheus metrics in the text format node_exporter's textfile collector reads
// (config `metrics: {textfile: PATH}`), written after every sync from the state's runs
// table, so that they count every run since the state began, whichever process ran it.
// And `hr2scim status`: the same history as a table for a person.

#include "state/run_history.hpp"

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace hr2scim::agent {

[[nodiscard]] std::string prometheus_metrics(const std::vector<state::TargetHistory>& targets);

// "ok", "failed", "partial", "safety_stop", "changes" (4), or the number.
[[nodiscard]] std::string result_name(int exit_code);
// The same, but "interrupted" for a run that was asked to stop (SIGTERM) before it sent
// everything and was otherwise ok: a restart is not a failure, nor a success.
[[nodiscard]] std::string result_name(int exit_code, bool interrupted);

// The last runs of each target as a table, with the users it manages and its last success.
void print_status(std::ostream& out, const std::vector<state::TargetHistory>& targets,
                  const std::filesystem::path& state);

} // namespace hr2scim::agent
