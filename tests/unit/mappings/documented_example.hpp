#pragma once
// What the documented function examples (the README's table and each function's own
// example) are evaluated with, and how their results read.
#include "connectors/record.hpp"
#include "mappings/dates.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::mappings {

// The person the examples name; middle_name and end_date are missing on purpose.
inline connectors::Record documented_example_person() {
    return {"E1001",
            {{"first", {"Ada"}},
             {"last", {"Lovelace"}},
             {"first_name", {"Ada"}},
             {"last_name", {"Lovelace"}},
             {"nickname", {""}},
             {"status", {"active"}},
             {"country", {"FR"}},
             {"mail", {"ada@example.com"}}},
            "example"};
}

// "At 13:05 UTC on 22 November 2026", the instant the date examples assume.
inline Instant documented_example_instant() {
    return *parse_instant("2026-11-22T13:05:00Z");
}

// The result a documentation text starts with, as Value::text() shows it: a quoted text
// without its quotes, or true/false; nothing when it starts otherwise ("the list a, b").
inline std::optional<std::string> documented_result(std::string_view text) {
    if (text.starts_with('"')) {
        auto close = text.find('"', 1);
        if (close != std::string_view::npos) return std::string(text.substr(1, close - 1));
    }
    for (std::string_view word : {"true", "false"})
        if (text.starts_with(word)) return std::string(word);
    return std::nullopt;
}

} // namespace hr2scim::mappings
