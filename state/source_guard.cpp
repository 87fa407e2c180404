#include "state/source_guard.hpp"

#include <fmt/format.h>

namespace hr2scim::state {

std::optional<std::string> completeness_problem(size_t records, std::optional<size_t> last_complete,
                                                const SourceGuards& guards) {
    if (records < guards.min_records)
        return fmt::format("the source returned {} records, fewer than source.min_records ({})",
                           records, guards.min_records);
    if (!last_complete || *last_complete == 0 || records >= *last_complete) return std::nullopt;
    double shrink =
        100.0 * static_cast<double>(*last_complete - records) / static_cast<double>(*last_complete);
    if (shrink <= guards.max_shrink_percent) return std::nullopt;
    return fmt::format(
        "the source shrank from {} to {} records ({:.0f}%) since its last complete read, more than "
        "source.max_shrink_percent ({:g}%)",
        *last_complete, records, shrink, guards.max_shrink_percent);
}

} // namespace hr2scim::state
