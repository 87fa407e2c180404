#include "tests/integration/sync_fixture.hpp"

#include <chrono>
#include <sstream>
#include <thread>

namespace hr2scim::testing {

SyncTest::SyncTest() {
    write_csv(example_csv());
    write_config();
}

SyncTest::SyncTest(const std::string& server_script)
    : server("test-token-4f9d2c", std::nullopt, server_script) {
    write_csv(example_csv());
    write_config();
}

std::string SyncTest::example_csv() {
    return read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/hr.csv");
}

void SyncTest::write_csv(const std::string& content) {
    (void)dir.write("hr.csv", content);
}

void SyncTest::write_config(const std::string& extra, const std::string& token_env) {
    std::string mapping = std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml";
    (void)dir.write("config.yaml", "source:\n"
                                   "  type: csv\n"
                                   "  path: hr.csv\n"
                                   "  key_column: employee_id\n"
                                   "mapping: " +
                                       mapping +
                                       "\n"
                                       "target:\n"
                                       "  name: test\n"
                                       "  url: " +
                                       server.scim_url() +
                                       "\n"
                                       "  token_env: " +
                                       token_env +
                                       "\n"
                                       "  timeout_seconds: 20\n"
                                       "state: state.db\n" +
                                       extra);
}

void SyncTest::use_mapping(const std::string& mapping) {
    (void)dir.write("config.yaml",
                    replace_once(read_file(dir.path() / "config.yaml"),
                                 std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                                 mapping));
}

void SyncTest::kill_sync_at(const nlohmann::json& fault) {
    const int before = server.hanging();
    server.add_fault(fault);
    int pid =
        start_process({HR2SCIM_BINARY, "sync", "--config", (dir.path() / "config.yaml").string()},
                      {{"HR2SCIM_TEST_TOKEN", server.token()}});
    for (int waited = 0; server.hanging() == before && waited < 3000; ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(10)); // bounded: 30 s at most
    kill_process(pid);
    ASSERT_EQ(server.hanging(), before + 1) << "the agent was killed mid-request";
}

void SyncTest::refuse_next_patch(const std::string& key, const std::string& detail) {
    server.add_fault(
        {{"method", "PATCH"},
         {"pathContains", "/Users/" + server.user_with_external_id(key).value("id", "")},
         {"status", 400},
         {"times", 1},
         {"raw", nlohmann::json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
                                {"status", "400"},
                                {"detail", detail}}
                     .dump()}});
}

ProcessResult SyncTest::hr2scim(const std::vector<std::string>& arguments,
                                const std::string& token) {
    std::vector<std::string> argv = {HR2SCIM_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.push_back("--config");
    argv.push_back((dir.path() / "config.yaml").string());
    return run_process(argv, {{"HR2SCIM_TEST_TOKEN", token}});
}

std::string without_line(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string out, line;
    while (std::getline(in, line))
        if (!line.starts_with(prefix)) out += line + "\n";
    return out;
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("test fixture: '" + from + "' not found");
    return text.replace(at, from.size(), to);
}

} // namespace hr2scim::testing
