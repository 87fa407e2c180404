// validate, plan and sync end with the same exit code on what sync would stop at (issue 26,
// item 2): a safety gate's 3, rejected records' 2. validate and plan send nothing.
#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hr2scim::testing {
namespace {

class SameVerdictTest : public SyncTest {
  protected:
    // Each command's exit code, in the order validate, plan, sync.
    std::vector<int> exit_codes() {
        std::vector<int> codes;
        for (const char* command : {"validate", "plan", "sync"}) {
            auto result = hr2scim({command}, server.token());
            codes.push_back(result.exit_code);
            said[command] = result.out + result.err;
        }
        return codes;
    }
    std::map<std::string, std::string> said;
};

// The export came back with its header only: everyone would be deactivated.
TEST_F(SameVerdictTest, AHeaderOnlyExportStopsAllThreeAtTheGate) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto csv = example_csv();
    write_csv(csv.substr(0, csv.find('\n') + 1));
    server.clear_requests();
    EXPECT_EQ(exit_codes(), (std::vector<int>{3, 3, 3})) << said["validate"];
    EXPECT_NE(said["validate"].find("Safety  sync would withhold 10 deactivations and deletions: "
                                    "the source returned no records"),
              std::string::npos)
        << said["validate"];
    EXPECT_NE(said["validate"].find("Valid, but sync would stop at the safety gate above (exit 3)"),
              std::string::npos)
        << said["validate"];
    EXPECT_EQ(server.count_requests("PATCH") + server.count_requests("DELETE"), 0U);
    EXPECT_EQ(server.active_users(), 10U);
}

// validate -o json says the same for scripts: its result, exit code and the gate's numbers.
TEST_F(SameVerdictTest, ValidateAsJsonCarriesTheSameVerdict) {
    ASSERT_EQ(sync().exit_code, 0);
    const auto csv = example_csv();
    write_csv(csv.substr(0, csv.find('\n') + 1) +
              replace_once(csv.substr(csv.find('\n') + 1), "Ada.Lovelace@example.com", ""));
    auto validated = hr2scim({"validate", "-o", "json"}, server.token());
    EXPECT_EQ(validated.exit_code, 2) << validated.out << validated.err;
    const auto document = nlohmann::json::parse(validated.out);
    EXPECT_EQ(document["result"], "partial");
    EXPECT_EQ(document["exit_code"], 2);
    EXPECT_EQ(document["state"]["users_known"], 10);
    EXPECT_EQ(document["source"]["records"], 10);
    EXPECT_EQ(document["source"]["mapped"], 9);
    ASSERT_EQ(document["rejections"].size(), 1U);
    EXPECT_EQ(document["rejections"][0]["key"], "E1001");
    EXPECT_EQ(document["safety"]["gate_stopped"], false) << "a rejected record is protected";

    write_csv(csv.substr(0, csv.find('\n') + 1));
    const auto gated =
        nlohmann::json::parse(hr2scim({"validate", "-o", "json"}, server.token()).out);
    EXPECT_EQ(gated["result"], "safety_stop");
    EXPECT_EQ(gated["safety"]["gate_stopped"], true);
    EXPECT_EQ(gated["safety"]["withheld"], 10);
    EXPECT_EQ(gated["problems"].size(), 0U);
}

// A record that cannot be read is rejected: 2 from each, and sync leaves that person alone.
TEST_F(SameVerdictTest, ARejectedRecordIsPartialForAllThree) {
    write_csv(replace_once(example_csv(), "Ada.Lovelace@example.com", ""));
    EXPECT_EQ(exit_codes(), (std::vector<int>{2, 2, 2})) << said["plan"];
    EXPECT_EQ(server.users().size(), 9U);
}

// Nothing stands in the way: 0 from each, and validate says no gate would stop sync once the
// state holds people.
TEST_F(SameVerdictTest, AnOrdinaryChangeIsZeroForAllThree) {
    ASSERT_EQ(sync().exit_code, 0);
    write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));
    EXPECT_EQ(exit_codes(), (std::vector<int>{0, 0, 0})) << said["validate"];
    EXPECT_NE(said["validate"].find("Safety  no safety gate would stop sync"), std::string::npos)
        << said["validate"];
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore");
}

} // namespace
} // namespace hr2scim::testing
