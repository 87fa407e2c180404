#pragma once
// Completeness guards: a source that returns suspiciously few records is treated as a
// failed read (nobody is deactivated), not as a population that shrank.

#include <cstddef>
#include <optional>
#include <string>

namespace hr2scim::state {

struct SourceGuards {
    size_t min_records = 0; // 0: no minimum (an empty source still stops at the safety gate)
    double max_shrink_percent = 100; // against the last complete run of the same source; 100: off
};

// Why the read cannot be trusted, or nothing. `last_complete` is the record count of the
// last complete read of this source, when there was one.
[[nodiscard]] std::optional<std::string> completeness_problem(size_t records,
                                                              std::optional<size_t> last_complete,
                                                              const SourceGuards& guards);

} // namespace hr2scim::state
