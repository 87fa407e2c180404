// Any bytes as a config or mapping file (issue 22 item 16): a YAML alias bomb, invalid UTF-8
// in a name, control characters in a URL. Loading either gives a value or one clear error
// (ConfigError, MappingError), never a crash, a hang or another exception. The first byte
// picks which loader.
#include "agent/config.hpp"
#include "mappings/mapping.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        if (data[0] % 2 == 0)
            (void)hr2scim::mappings::parse_mapping(text, "fuzz.yaml");
        else
            (void)hr2scim::agent::parse_config(text, "fuzz.yaml");
    } catch (const hr2scim::mappings::MappingError&) {
    } catch (const hr2scim::agent::ConfigError&) {
    } catch (...) {
        std::abort(); // any other exception is an error without file:line
    }
    return 0;
}
