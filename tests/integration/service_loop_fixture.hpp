#pragma once
// `hr2scim run --every` started in the background against the test server, for the service
// loop's tests (service_loop_test.cpp) and its HTTP listener's (listen_test.cpp).

#include "tests/integration/sync_fixture.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hr2scim::testing {

// Polls `done` every 20 ms for at most `limit`.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(20));

class ServiceLoopTest : public SyncTest {
  protected:
    ~ServiceLoopTest() override;

    // Starts the loop in the background, its output (stdout and stderr) in loop.log.
    void start_loop(const std::string& every = "1s", const std::vector<std::string>& more = {},
                    std::map<std::string, std::string> environment = {});

    [[nodiscard]] std::string log() const;
    [[nodiscard]] size_t count_in_log(const std::string& text) const;

    // Sends `signal` and waits (at most 20 s) for the loop to exit; its exit code.
    int stop_with(int signal);

    // (runs, runs still open) in the state.
    [[nodiscard]] std::pair<int64_t, int64_t> runs() const;
    // The command of each run in the state, oldest first.
    [[nodiscard]] std::vector<std::string> commands() const;

    int m_pid = -1;
};

} // namespace hr2scim::testing
