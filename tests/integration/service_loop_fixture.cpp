#include "tests/integration/service_loop_fixture.hpp"

#include "state/sqlite.hpp"

#include <csignal>
#include <sys/wait.h>
#include <thread>

namespace hr2scim::testing {

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

ServiceLoopTest::~ServiceLoopTest() {
    if (m_pid > 0) kill_process(m_pid);
}

void ServiceLoopTest::start_loop(const std::string& every, const std::vector<std::string>& more,
                                 std::map<std::string, std::string> environment) {
    std::vector<std::string> command{"/bin/sh",
                                     "-c",
                                     "exec \"$0\" \"$@\" >\"$LOOP_LOG\" 2>&1",
                                     HR2SCIM_BINARY,
                                     "run",
                                     "--every",
                                     every,
                                     "--jitter",
                                     "0s",
                                     "--config",
                                     (dir.path() / "config.yaml").string()};
    command.insert(command.end(), more.begin(), more.end());
    environment["HR2SCIM_TEST_TOKEN"] = server.token();
    environment["LOOP_LOG"] = (dir.path() / "loop.log").string();
    m_pid = start_process(command, environment);
}

std::string ServiceLoopTest::log() const {
    return read_file(dir.path() / "loop.log");
}

size_t ServiceLoopTest::count_in_log(const std::string& text) const {
    const auto all = log();
    size_t count = 0;
    for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + 1))
        ++count;
    return count;
}

int ServiceLoopTest::stop_with(int signal) {
    ::kill(m_pid, signal);
    int status = 0;
    const bool exited = eventually([&] { return ::waitpid(m_pid, &status, WNOHANG) == m_pid; });
    if (!exited) return -1;
    m_pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::pair<int64_t, int64_t> ServiceLoopTest::runs() const {
    state::Database db(state_file(), true);
    auto count = db.prepare("SELECT count(*), count(*) - count(finished_at) FROM runs");
    EXPECT_TRUE(count.step());
    return {count.integer(0), count.integer(1)};
}

std::vector<std::string> ServiceLoopTest::commands() const {
    state::Database db(state_file(), true);
    std::vector<std::string> all;
    for (auto query = db.prepare("SELECT command FROM runs ORDER BY id"); query.step();)
        all.push_back(query.text(0));
    return all;
}

} // namespace hr2scim::testing
