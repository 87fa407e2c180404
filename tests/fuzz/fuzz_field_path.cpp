// Any bytes as a preset's or an admin's field path (the first line) and as an HR API's record
// (the rest): parsing the path never crashes, a parsed path finds values in any JSON without
// exhausting the stack, and what it finds is text it could send.
#include "connectors/field_path.hpp"
#include "http/json_body.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t line_end = input.find('\n');
    const std::string_view path_text = input.substr(0, line_end);
    auto path = hr2scim::connectors::FieldPath::parse(path_text);
    if (!path) {
        if (path.error().empty()) std::abort(); // a refusal always says why
        return 0;
    }
    if (line_end == std::string_view::npos) return 0;
    auto record = hr2scim::http::parse_json_body(input.substr(line_end + 1));
    if (!record) return 0;
    const auto found = path->find(*record);
    for (const auto& value : found.values)
        if (value.empty()) std::abort(); // empty values are never found
    if (!found.values.empty() && !found.present)
        std::abort(); // a value was found, so the member was there
    return 0;
}
