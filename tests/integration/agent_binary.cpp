// Which hr2scim the integration tests run: see tests/support/child_process.hpp.

#include "tests/support/child_process.hpp"

#include <cstdlib>

namespace hr2scim::testing {

std::string agent_binary() {
    const char* chosen = std::getenv("HR2SCIM_TEST_BINARY");
    return chosen != nullptr && *chosen != '\0' ? std::string(chosen) : HR2SCIM_BUILT_BINARY;
}

bool agent_is_instrumented() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#else
    const char* chosen = std::getenv("HR2SCIM_TEST_BINARY");
    return chosen != nullptr && *chosen != '\0';
#endif
}

} // namespace hr2scim::testing
