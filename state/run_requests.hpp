#pragma once
// What each run sent to its target (runs.requests_sent, writes_sent, schema 9), for the daily
// caps: a vendor counts requests over a rolling 24 hours, across runs.

#include "state/sqlite.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace hr2scim::state {

struct RunRequests {
    std::chrono::sys_seconds started;
    // When it finished: none of its requests went later, so it counts in a window until then
    // plus the window's length (counting from its start would free a long run's last
    // requests too early).
    std::chrono::sys_seconds finished;
    size_t requests = 0; // reads and writes, retries included
    size_t writes = 0;
};

// The closed runs of `target` that finished at `since` or later, oldest first. A run that
// never closed (the process died) recorded no counts, and is not among them.
[[nodiscard]] std::vector<RunRequests> runs_sending_since(Database& db, const std::string& target,
                                                          std::chrono::sys_seconds since);
// The same from a state file, read without creating or writing anything (plan): none if it
// does not exist or predates the counts.
[[nodiscard]] std::vector<RunRequests> runs_sending_since(const std::filesystem::path& state,
                                                          const std::string& target,
                                                          std::chrono::sys_seconds since);

} // namespace hr2scim::state
