#include "state/run_requests.hpp"

#include "state/timestamp.hpp"

namespace hr2scim::state {

std::vector<RunRequests> runs_sending_since(Database& db, const std::string& target,
                                            std::chrono::sys_seconds since) {
    // The state writes milliseconds ("...T12:00:00.123Z"): `since` is compared in that form.
    std::string from = to_timestamp(since);
    from.insert(from.size() - 1, ".000");
    auto query = db.prepare("SELECT started_at, finished_at, requests_sent, "
                            "COALESCE(writes_sent, 0) FROM runs "
                            "WHERE target = ? AND finished_at >= ? AND requests_sent IS NOT NULL "
                            "ORDER BY finished_at, id");
    query.bind(1, target).bind(2, from);
    std::vector<RunRequests> runs;
    while (query.step()) {
        const auto finished = from_timestamp(query.text(1));
        if (!finished) continue; // not written by hr2scim
        runs.push_back({from_timestamp(query.text(0)).value_or(*finished), *finished,
                        static_cast<size_t>(query.integer(2)),
                        static_cast<size_t>(query.integer(3))});
    }
    return runs;
}

std::vector<RunRequests> runs_sending_since(const std::filesystem::path& state,
                                            const std::string& target,
                                            std::chrono::sys_seconds since) {
    std::error_code error;
    if (!std::filesystem::exists(state, error)) return {};
    Database db(state, true);
    auto counted = db.prepare("SELECT count(*) FROM pragma_table_info('runs') "
                              "WHERE name = 'requests_sent'");
    if (!counted.step() || counted.integer(0) == 0) return {}; // before schema 9, or empty
    return runs_sending_since(db, target, since);
}

} // namespace hr2scim::state
