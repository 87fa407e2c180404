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

} // namespace hr2scim::testing
