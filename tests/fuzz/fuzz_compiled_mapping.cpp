// The compiled mapping against map_record(): the input's bytes draw a mapping (rules over the
// User's paths, scope, lifecycle, groups) and records; the two must agree to the byte on each
// body and on every other field, or refuse a record with the same words. Any difference aborts.
#include "tests/support/mapping_corpus.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace hr2scim;
    size_t at = 0;
    // Each draw takes the next byte (zero once the input is used up).
    testing::Draw draw = [&](size_t n) { return at < size ? data[at++] % n : size_t{0}; };
    const std::string yaml = testing::draw_mapping(draw);
    std::optional<mappings::Mapping> mapping;
    try {
        mapping = mappings::parse_mapping(yaml, "fuzz.yaml");
    } catch (const mappings::MappingError&) {
        return 0;
    }
    auto program = mappings::CompiledMapping::compile(*mapping);
    if (!program) return 0;
    static const auto now = *mappings::parse_instant("2026-11-22T13:05:00Z");
    for (int i = 0; i < 4; ++i) {
        const auto record = testing::draw_record(draw);
        if (auto difference = testing::compiled_difference(*mapping, *program, record, now)) {
            std::fprintf(stderr, "%s\nmapping:\n%s\n", difference->c_str(), yaml.c_str());
            std::abort();
        }
    }
    return 0;
}
