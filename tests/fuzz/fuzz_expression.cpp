// Any text as a mapping template: parse errors are values; evaluation either gives a value
// or refuses the input with an EvaluationError, and never crashes.
#include "mappings/expression_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    // The first byte picks the grammar: a template, or a whole expression.
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto parsed = data[0] & 1 ? hr2scim::mappings::parse_expression(text, {1, 1})
                              : hr2scim::mappings::parse_template(text, {1, 1});
    if (!parsed) {
        if (parsed.error().message.empty() || parsed.error().position.line < 1) std::abort();
        return 0;
    }
    static const hr2scim::connectors::Record record{"E1",
                                                    {{"first", {"Ada"}},
                                                     {"mail", {"  ADA@Example.com "}},
                                                     {"bytes", {"\xFF\xFE\xC3"}},
                                                     {"start", {"2026-02-28"}}},
                                                    "fuzz:1"};
    static const auto now = *hr2scim::mappings::parse_instant("2026-11-22T13:05:00Z");
    try {
        (void)hr2scim::mappings::evaluate(**parsed, record, now);
    } catch (const hr2scim::mappings::EvaluationError& error) {
        if (std::string_view(error.what()).empty())
            std::abort(); // a function refused its input: fine
    }
    return 0;
}
