// A plan file is applied only as it was made: an operation edited afterwards (a scim_id
// pointed at an account hr2scim never managed) is refused whole, naming the operation, and
// nothing is sent; a plan file that is not a regular file is refused unread.

#include "state/plan_file.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hr2scim::testing {
namespace {

class EditedPlanTest : public SyncTest {
  protected:
    // A synced target, then a title change planned to `plan_file`; the id of an account on
    // the target that hr2scim does not manage.
    void SetUp() override {
        ASSERT_EQ(sync().exit_code, 0);
        auto made = server.scim("POST", "/Users",
                                R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],)"
                                R"("userName":"admin@example.com","active":true})");
        ASSERT_EQ(made.status, 201) << made.body;
        admin_id = nlohmann::json::parse(made.body)["id"];
        write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));
        ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 0);
        server.clear_requests();
    }

    nlohmann::json admin() {
        for (auto& user : server.users())
            if (user["id"] == admin_id) return user;
        return nullptr;
    }

    const std::filesystem::path plan_file = dir.path() / "reviewed.json";
    std::string admin_id;
};

TEST_F(EditedPlanTest, AnEditedScimIdDoesNotMatchTheDigest) {
    auto file = nlohmann::json::parse(read_file(plan_file));
    ASSERT_EQ(file["operations"].size(), 1U);
    ASSERT_EQ(file["operations"][0]["kind"], "update");
    EXPECT_TRUE(file["operations_digest"].is_string());
    file["operations"][0]["scim_id"] = admin_id;
    (void)dir.write("reviewed.json", file.dump(2));

    auto refused = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE((refused.out + refused.err).find("its operations do not match its operations_digest"),
              std::string::npos)
        << refused.out << refused.err;
    EXPECT_EQ(server.all_requests().size(), 0U) << "nothing sent";
    EXPECT_EQ(admin()["userName"], "admin@example.com");
    EXPECT_FALSE(admin().contains("title"));
}

// Whoever edits the file can compute the digest again: the state still decides which
// account each key's operation may touch.
TEST_F(EditedPlanTest, AScimIdTheStateDoesNotMapToTheKeyIsRefusedEvenWithAMatchingDigest) {
    auto file = state::plan_from_json(nlohmann::json::parse(read_file(plan_file)));
    ASSERT_TRUE(file) << file.error();
    file->plan.operations[0].scim_id = admin_id;
    (void)dir.write("reviewed.json", state::plan_to_json(file->plan, file->origin).dump(2));

    auto refused = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("NOT APPLIED"), std::string::npos) << refused.out;
    EXPECT_NE(refused.out.find("operation 0 (update E1003): the state maps E1003 to the account "),
              std::string::npos)
        << refused.out;
    EXPECT_NE(refused.out.find("not " + admin_id), std::string::npos) << refused.out;
    EXPECT_EQ(server.requests().size(), 0U) << "nothing sent";
    EXPECT_FALSE(admin().contains("title"));

    // The file as it was made is applied.
    ASSERT_EQ(hr2scim({"plan", "--out", plan_file.string()}, server.token()).exit_code, 0);
    auto applied = hr2scim({"apply", plan_file.string()}, server.token());
    EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore");
    EXPECT_FALSE(admin().contains("title"));
}

TEST_F(EditedPlanTest, APlanFileThatIsNotARegularFileIsRefusedUnread) {
    const auto zero = dir.path() / "zero.json";
    ASSERT_EQ(::symlink("/dev/zero", zero.c_str()), 0);
    const auto fifo = dir.path() / "fifo.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    for (const auto& path : {zero, fifo}) {
        auto result =
            run_process({"timeout", "-s", "KILL", "30", HR2SCIM_BINARY, "apply", path.string(),
                         "--config", (dir.path() / "config.yaml").string()},
                        {{"HR2SCIM_TEST_TOKEN", server.token()}});
        ASSERT_NE(result.exit_code, 137) << path << ": killed after 30 s";
        EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
        EXPECT_NE((result.out + result.err).find("not a regular file"), std::string::npos)
            << result.out << result.err;
    }
    EXPECT_EQ(server.all_requests().size(), 0U);
}

} // namespace
} // namespace hr2scim::testing
