#pragma once
// A target's request budget as its vendor publishes it: "180/min" (Slack's per-endpoint write
// limit), "1000/h", "5/s". Reads (GET) and writes (POST, PUT, PATCH, DELETE) may have their own;
// requests_per_second (older, both kinds) still applies on top.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace hr2scim::http {

struct Rate {
    double requests = 0;
    std::chrono::seconds window{1};

    [[nodiscard]] double per_second() const {
        return requests / static_cast<double>(window.count());
    }
    // "180/min", "1000/h", "5/s" (as written in the config).
    [[nodiscard]] std::string text() const;
    bool operator==(const Rate&) const = default;
};

// Reads "N/s", "N/sec", "N/second", "N/min", "N/minute", "N/h", "N/hour" (N > 0, a number);
// the error says what is wrong and shows the accepted forms.
[[nodiscard]] tl::expected<Rate, std::string> parse_rate(std::string_view text);

struct Budget {
    std::optional<Rate> writes;
    std::optional<Rate> reads;
    double requests_per_second = 0; // every request, reads and writes alike (0: none)
    // Where the budget came from, for the log and the plan ("target.budget", "profile slack").
    std::string source;

    [[nodiscard]] bool empty() const { return !writes && !reads && requests_per_second <= 0; }
    // The fastest pace writes may go at: the stricter of `writes` and requests_per_second.
    [[nodiscard]] std::optional<double> writes_per_second() const;
};

} // namespace hr2scim::http
