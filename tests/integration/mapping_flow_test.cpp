// Flow rules on the real SCIM server: create-only attributes, clearing, leaving, defaults.

#include <gtest/gtest.h>

#include "tests/integration/sync_fixture.hpp"

namespace hr2scim::testing {
namespace {

class FlowTest : public SyncTest {
protected:
    FlowTest() {
        (void)dir.write("config.yaml",
                        replace_once(read_file(dir.path() / "config.yaml"),
                                     std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                                     std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/flow_mapping.yaml"));
    }
};

TEST_F(FlowTest, DefaultsFillEmptyValuesAndExpressionsDecide) {
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.user_with_external_id("E1001")["nickName"], "ada") << "the default";
    EXPECT_EQ(server.user_with_external_id("E1004")["nickName"], "researcher") << "the expression";
}

TEST_F(FlowTest, ACreateOnlyAttributeIsNotUpdated) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    write_csv(replace_once(example_csv(), "E1001,Ada,Lovelace", "E1001,Ada,King"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << result.out;
    EXPECT_EQ(server.user_with_external_id("E1001")["displayName"], "Ada Lovelace");

    write_csv(example_csv() + "E2001,New,Hire,new.hire@example.com,Intern,Research,CC-300,,\n");
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.user_with_external_id("E2001")["displayName"], "New Hire") << "set when created";
}

TEST_F(FlowTest, AnEmptyValueClearsTheAttributeByDefault) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    write_csv(replace_once(example_csv(), ",+44 20 7946 0001,", ",,"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 1U);
    EXPECT_FALSE(server.user_with_external_id("E1001").contains("phoneNumbers"));
    EXPECT_NE(result.out.find("phoneNumbers: [{\"type\":\"mobile\",\"value\":\"+44 20 7946 0001\"}] -> (removed)"),
              std::string::npos) << result.out;
}

TEST_F(FlowTest, WhenEmptyLeaveKeepsTheTargetsValue) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    write_csv(replace_once(example_csv(), "Rear Admiral", ""));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << result.out;
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Rear Admiral");

    write_csv(replace_once(example_csv(), "Rear Admiral", "Commodore"));
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore") << "a real value still applies";
}

} // namespace
} // namespace hr2scim::testing
