#pragma once
// Runs a program to completion with extra environment variables, capturing its output.

#include <map>
#include <string>
#include <vector>

namespace hr2scim::testing {

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Starts a program in the background (output discarded) and returns its pid.
[[nodiscard]] int start_process(const std::vector<std::string>& argv,
                                const std::map<std::string, std::string>& env = {});
// SIGKILL, then reaps it.
void kill_process(int pid);

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});

// The hr2scim binary the integration tests run (HR2SCIM_BINARY): the one built beside them, or
// $HR2SCIM_TEST_BINARY when set, so that CI runs these tests against a ThreadSanitizer build of
// the agent without building the tests themselves with it.
[[nodiscard]] std::string agent_binary();
// True when the agent is a sanitizer build (this process is built with AddressSanitizer, or
// $HR2SCIM_TEST_BINARY is set): a few tests then try fewer of their many cases.
[[nodiscard]] bool agent_is_instrumented();

} // namespace hr2scim::testing
