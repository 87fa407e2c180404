#pragma once
// Runs the real hr2scim binary against the real SCIM test server, with a config, an HR file
// and a state file in a fresh temp directory.

#include "tests/support/child_process.hpp"
#include "tests/support/scim_test_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace hr2scim::testing {

class SyncTest : public ::testing::Test {
  protected:
    SyncTest();
    // Against another test target (a script under tests/scim_server/).
    explicit SyncTest(const std::string& server_script);

    // The example HR export (examples/hr.csv), to edit per test.
    static std::string example_csv();
    void write_csv(const std::string& content);
    // Rewrites the config; `extra` is appended (e.g. a safety: section).
    void write_config(const std::string& extra = {},
                      const std::string& token_env = "HR2SCIM_TEST_TOKEN");

    // Points the config at another mapping file (a path, or a name in the test's folder).
    void use_mapping(const std::string& mapping);

    ProcessResult hr2scim(const std::vector<std::string>& arguments, const std::string& token);
    ProcessResult sync() { return hr2scim({"sync"}, server.token()); }
    // Starts a sync, waits until the server holds a committed change it will never answer
    // (`fault` with after and hang), and kills the agent there, as kill -9 would.
    void kill_sync_at(const nlohmann::json& fault);
    ProcessResult plan() { return hr2scim({"plan"}, server.token()); }
    // The target refuses the next PATCH of `key`'s user (400, a SCIM error saying `detail`),
    // whichever of a sync's concurrent PATCHes comes first.
    void refuse_next_patch(const std::string& key, const std::string& detail);

    [[nodiscard]] std::filesystem::path state_file() const { return dir.path() / "state.db"; }

    TempDir dir;
    ScimTestServer server;
};

// Every line of `text` but those starting with `prefix`.
std::string without_line(const std::string& text, const std::string& prefix);
std::string replace_once(std::string text, const std::string& from, const std::string& to);

} // namespace hr2scim::testing
