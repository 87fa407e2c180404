#pragma once

namespace hr2scim::agent {

// Parses the command line, runs the command, and returns the process exit code.
[[nodiscard]] int main_with_arguments(int argc, char** argv);

} // namespace hr2scim::agent
