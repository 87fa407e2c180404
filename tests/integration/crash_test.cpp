// A run killed at any point, followed by another sync, converges: the server holds exactly the
// desired users, none twice, and the state file is intact. The kill comes while the server has
// committed a change whose answer the agent never received: the worst moment to die.

#include "state/sqlite.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <set>
#include <thread>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

constexpr int k_people = 300;
constexpr int k_writes_between_kill_points = 15;

// Twenty kill points, 15 writes apart; a sanitizer build of the agent (several times slower) is
// killed at every third of them, still from the first write to the last batch.
int kill_point_stride() {
    return agent_is_instrumented() ? 3 : 1;
}
constexpr int k_kill_points = 20;

std::string people_csv(const std::string& title) {
    std::string csv = "employee_id,first_name,last_name,email,job_title,department,cost_center,"
                      "mobile,manager_id\n";
    for (int i = 0; i < k_people; ++i) {
        const auto n = std::to_string(10000 + i);
        csv += "K" + n + ",First" + n + ",Last" + n + ",person" + n + "@example.com," + title +
               ",D,C,,\n";
    }
    return csv;
}

class CrashTest : public SyncTest {
  protected:
    CrashTest() {
        write_config("safety:\n  max_deactivations: 1000\n  max_deactivation_percent: 100\n");
    }

    void expect_converged(const std::string& title) {
        auto result = sync();
        ASSERT_EQ(result.exit_code, 0) << result.out.substr(0, 1500) << result.err.substr(0, 1500);
        auto users = server.users();
        EXPECT_EQ(users.size(), static_cast<size_t>(k_people)) << "none missing, none twice";
        std::set<std::string> external_ids, user_names;
        for (const auto& user : users) {
            external_ids.insert(user.value("externalId", ""));
            user_names.insert(user.value("userName", ""));
            EXPECT_EQ(user.value("title", ""), title) << user.dump();
        }
        EXPECT_EQ(external_ids.size(), static_cast<size_t>(k_people));
        EXPECT_EQ(user_names.size(), static_cast<size_t>(k_people));
        state::Database db(state_file(), true);
        auto check = db.prepare("PRAGMA integrity_check");
        ASSERT_TRUE(check.step());
        EXPECT_EQ(check.text(0), "ok");
        server.clear_requests();
        EXPECT_EQ(sync().exit_code, 0);
        EXPECT_EQ(server.requests().size(), 0U) << "converged: nothing left to send";
    }
};

TEST_F(CrashTest, AFirstSyncKilledAtAnyPointConvergesWithoutDuplicates) {
    for (int point = 0; point < k_kill_points; point += kill_point_stride()) {
        const int skip = point * k_writes_between_kill_points;
        SCOPED_TRACE("killed after " + std::to_string(skip) + " creates");
        server.reset();
        std::filesystem::remove(state_file());
        write_csv(people_csv("Engineer"));
        kill_sync_at({{"method", "POST"}, {"after", true}, {"hang", true}, {"skip", skip}});
        expect_converged("Engineer");
    }
}

TEST_F(CrashTest, AnUpdateHeavyRunKilledAtAnyPointConverges) {
    write_csv(people_csv("Engineer"));
    ASSERT_EQ(sync().exit_code, 0);
    for (int point = 0; point < k_kill_points; point += kill_point_stride()) {
        const int skip = point * k_writes_between_kill_points;
        SCOPED_TRACE("killed after " + std::to_string(skip) + " updates");
        const std::string title = "Title" + std::to_string(point);
        write_csv(people_csv(title));
        kill_sync_at({{"method", "PATCH"}, {"after", true}, {"hang", true}, {"skip", skip}});
        expect_converged(title);
    }
}

} // namespace
} // namespace hr2scim::testing
