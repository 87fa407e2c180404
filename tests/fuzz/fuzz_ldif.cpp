// Any bytes as an LDIF export: OpenLDAP's reader under our line tracking must neither
// crash nor name a line outside the text.
#include "connectors/ldif_source.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = hr2scim::connectors::parse_ldif(text);
    const size_t lines = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    for (const auto& entry : parsed.entries)
        if (entry.line < 1 || entry.line > lines || entry.dn.empty()) std::abort();
    for (const auto& error : parsed.errors)
        if (error.line < 1 || error.line > lines || error.reason.empty()) std::abort();
    (void)hr2scim::connectors::records_from_entries(std::move(parsed.entries), "fuzz.ldif",
                                                    {"fuzz.ldif", "uid", {"person"}});
    return 0;
}
