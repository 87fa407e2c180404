// A secondary source joined onto the HR file: its attributes reach the target, and when it
// fails they are left as they were, not cleared.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

std::string directory_ldif(const std::string& skip_uid = "", const std::string& renamed_uid = "") {
    std::string ldif;
    const char* people[][3] = {{"ada", "ADA.LOVELACE@example.com", "+44 1"},
                               {"charles", "charles.babbage@example.com", "+44 2"},
                               {"grace", "grace.hopper@example.com", "+1 3"},
                               {"alan", "alan.turing@example.com", "+44 4"}};
    for (const auto& person : people) {
        if (skip_uid == person[0]) continue;
        std::string uid =
            renamed_uid.empty() || std::string(person[0]) != "ada" ? person[0] : renamed_uid;
        ldif += "dn: uid=" + std::string(person[0]) +
                ",ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\n"
                "uid: " +
                uid + "\nmail: " + person[1] + "\ntelephoneNumber: " + person[2] + "\n\n";
    }
    return ldif;
}

class JoinTest : public SyncTest {
  protected:
    JoinTest() {
        (void)dir.write("directory.ldif", directory_ldif());
        auto config = read_file(dir.path() / "config.yaml");
        config = replace_once(config, std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                              std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/joined_mapping.yaml");
        config += "join:\n  - name: directory\n    on: email\n    match: mail\n    source:\n      "
                  "type: ldif\n"
                  "      path: directory.ldif\n      key_attribute: uid\n";
        (void)dir.write("config.yaml", config);
    }
};

TEST_F(JoinTest, JoinedAttributesReachTheTarget) {
    auto result = sync();
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    auto ada = server.user_with_external_id("E1001");
    EXPECT_EQ(ada["nickName"], "ada") << "joined on mail, ignoring case";
    EXPECT_EQ(ada["phoneNumbers"][0]["value"], "+44 1");
    EXPECT_FALSE(server.user_with_external_id("E1005").contains("nickName"))
        << "not in the directory";
}

TEST_F(JoinTest, AChangeInTheJoinedSourceIsOnePatch) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    (void)dir.write("directory.ldif", directory_ldif("", "lovelace"));
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 1U);
    EXPECT_EQ(server.user_with_external_id("E1001")["nickName"], "lovelace");
}

TEST_F(JoinTest, AFailedJoinedSourceLeavesItsAttributesAsTheyWere) {
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(without_line(example_csv(), "E1009,"));
    ASSERT_EQ(sync().exit_code, 0); // E1009 absent once: the next read confirms it
    server.clear_requests();
    std::filesystem::remove(dir.path() / "directory.ldif");
    write_csv(without_line(replace_once(example_csv(), "Rear Admiral", "Commodore"), "E1009,"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("JOINED SOURCE FAILED: directory: cannot open"), std::string::npos)
        << result.out;
    auto grace = server.user_with_external_id("E1003");
    EXPECT_EQ(grace["title"], "Commodore") << "the primary's changes still apply";
    EXPECT_EQ(grace["nickName"], "grace") << "not cleared";
    EXPECT_EQ(server.user_with_external_id("E1001")["phoneNumbers"][0]["value"], "+44 1");
    EXPECT_EQ(server.user_with_external_id("E1009")["active"], false)
        << "the primary still says who left";
    EXPECT_EQ(server.requests().size(), 2U) << "one title, one deactivation";

    (void)dir.write("directory.ldif", directory_ldif());
    server.clear_requests();
    EXPECT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.requests().size(), 0U) << "the state kept what the target holds";
}

TEST_F(JoinTest, APersonTheCompleteDirectoryNoLongerHasLosesItsAttributes) {
    ASSERT_EQ(sync().exit_code, 0);
    (void)dir.write("directory.ldif", directory_ldif("ada"));
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    auto ada = server.user_with_external_id("E1001");
    EXPECT_FALSE(ada.contains("nickName"));
    EXPECT_FALSE(ada.contains("phoneNumbers"));
}

} // namespace
} // namespace hr2scim::testing
