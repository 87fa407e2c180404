// entitlements (and roles) mapped from a CSV column on the real SCIM server: created with the
// users, a reordered column is no change, a removed one is one update, as the server holds them.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <map>
#include <sstream>

namespace hr2scim::testing {
namespace {

using nlohmann::json;

class EntitlementsTest : public SyncTest {
  protected:
    EntitlementsTest() {
        const std::string mapping =
            read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml") +
            "  entitlements[type eq \"permset\"]: '{split(entitlements, \";\")}'\n"
            "  entitlements[type eq \"profile\"]: { value: 00e000000000001, display: Standard "
            "User, primary: true }\n";
        use_mapping(dir.write("mapping.yaml", mapping).string());
    }

    // The example export with an `entitlements` column: one value per employee id given.
    void write_entitlements(const std::map<std::string, std::string>& by_id) {
        std::istringstream lines(example_csv());
        std::string line, csv;
        bool header = true;
        while (std::getline(lines, line)) {
            if (line.empty()) continue;
            std::string value = header ? "entitlements" : "";
            if (!header)
                if (auto found = by_id.find(line.substr(0, line.find(','))); found != by_id.end())
                    value = found->second;
            csv += line + "," + value + "\n";
            header = false;
        }
        write_csv(csv);
    }

    static json permset(const std::string& id) { return {{"value", id}, {"type", "permset"}}; }

    json entitlements_of(const std::string& id) {
        return server.user_with_external_id(id).value("entitlements", json());
    }
};

const json k_profile = {{"value", "00e000000000001"},
                        {"type", "profile"},
                        {"display", "Standard User"},
                        {"primary", true}};

TEST_F(EntitlementsTest, CreatedHeldAsASetAndUpdatedOnlyWhenTheSetChanges) {
    write_entitlements({{"E1001", "0PS000000000002;0PS000000000001; ;0PS000000000002"},
                        {"E1003", "0PS000000000003"}});
    auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_EQ(server.count_requests("POST"), 10U) << "one create per person";
    EXPECT_EQ(entitlements_of("E1001"),
              json::array({k_profile, permset("0PS000000000001"), permset("0PS000000000002")}))
        << "sorted by value, the empty one and the repeat gone";
    EXPECT_EQ(entitlements_of("E1003"), json::array({k_profile, permset("0PS000000000003")}));
    EXPECT_EQ(entitlements_of("E1002"), json::array({k_profile})) << "an empty column gives none";

    // The same entitlements in another order: nothing to send.
    server.clear_requests();
    write_entitlements(
        {{"E1001", "0PS000000000001;0PS000000000002"}, {"E1003", "0PS000000000003"}});
    auto reordered = sync();
    EXPECT_EQ(reordered.exit_code, 0) << reordered.out << reordered.err;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump() << reordered.out;

    // One removed: one update, and the server holds the rest.
    write_entitlements({{"E1001", "0PS000000000002"}, {"E1003", "0PS000000000003"}});
    auto removed = sync();
    EXPECT_EQ(removed.exit_code, 0) << removed.out << removed.err;
    const json requests = server.requests();
    ASSERT_EQ(requests.size(), 1U) << requests.dump() << removed.out;
    EXPECT_EQ(requests[0]["method"], "PATCH");
    EXPECT_EQ(entitlements_of("E1001"), json::array({k_profile, permset("0PS000000000002")}));
    EXPECT_NE(removed.out.find("entitlements"), std::string::npos) << removed.out;
    EXPECT_EQ(entitlements_of("E1003"), json::array({k_profile, permset("0PS000000000003")}));

    // A target that answers the set in its own order took it: no failure, and no change after.
    server.clear_requests();
    server.add_fault({{"after", true},
                      {"method", "PATCH"},
                      {"set",
                       {{"entitlements", json::array({permset("0PS000000000004"),
                                                      permset("0PS000000000003"), k_profile})}}}});
    write_entitlements(
        {{"E1001", "0PS000000000002"}, {"E1003", "0PS000000000004;0PS000000000003"}});
    auto answered_reordered = sync();
    EXPECT_EQ(answered_reordered.exit_code, 0) << answered_reordered.out << answered_reordered.err;
    ASSERT_EQ(server.requests().size(), 1U) << server.requests().dump() << answered_reordered.out;
    EXPECT_EQ(answered_reordered.out.find("target kept"), std::string::npos)
        << answered_reordered.out;
    EXPECT_EQ(entitlements_of("E1003"),
              json::array({k_profile, permset("0PS000000000003"), permset("0PS000000000004")}));

    // And then nothing more.
    server.clear_requests();
    auto again = sync();
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(server.requests().size(), 0U) << server.requests().dump() << again.out;
}

} // namespace
} // namespace hr2scim::testing
