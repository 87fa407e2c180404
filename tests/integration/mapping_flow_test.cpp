// Flow rules on the real SCIM server: create-only attributes, clearing, leaving, defaults.

#include "tests/integration/sync_fixture.hpp"

#include <gtest/gtest.h>

namespace hr2scim::testing {
namespace {

class FlowTest : public SyncTest {
  protected:
    FlowTest() {
        (void)dir.write(
            "config.yaml",
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
    EXPECT_EQ(server.user_with_external_id("E2001")["displayName"], "New Hire")
        << "set when created";
}

TEST_F(FlowTest, AnEmptyValueClearsTheAttributeByDefault) {
    ASSERT_EQ(sync().exit_code, 0);
    server.clear_requests();
    write_csv(replace_once(example_csv(), ",+44 20 7946 0001,", ",,"));

    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 1U);
    EXPECT_FALSE(server.user_with_external_id("E1001").contains("phoneNumbers"));
    EXPECT_NE(
        result.out.find(
            "phoneNumbers: [{\"type\":\"mobile\",\"value\":\"+44 20 7946 0001\"}] -> (removed)"),
        std::string::npos)
        << result.out;
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
    EXPECT_EQ(server.user_with_external_id("E1003")["title"], "Commodore")
        << "a real value still applies";
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// A rule that cannot be evaluated for the data never becomes an empty value that clears the
// attribute everywhere: a mistake in the file is a load error; a value in the data that a
// function cannot use rejects that record.
TEST_F(SyncTest, AMisshapenRuleIsALoadErrorAndUnusableDataRejectsRecordsNotAttributes) {
    ASSERT_EQ(sync().exit_code, 0);
    const std::string mapping =
        read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml");
    use_mapping("mapping.yaml");
    (void)dir.write("mapping.yaml",
                    replace_once(mapping, "title: { column: job_title }",
                                 "title: '{switch(job_title, \"none\", \"Eng\")}'"));
    auto result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("mapping.yaml:11:12: switch takes a value, a default, then keys"),
              std::string::npos)
        << result.err;
    (void)dir.write("mapping.yaml", replace_once(mapping, "title: { column: job_title }",
                                                 "title: '{left(job_title, \"two\")}'"));
    result = hr2scim({"validate"}, server.token());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("left: argument 2 must be a whole number, not \"two\""),
              std::string::npos)
        << result.err;

    server.clear_requests();
    (void)dir.write("mapping.yaml", replace_once(mapping, "title: { column: job_title }",
                                                 "title: '{left(job_title, cost_center)}'"));
    result = sync();
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.out.find("left: argument 2 is 'CC-100', not a whole number"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(server.requests().size(), 0U) << "no title cleared, nobody deactivated";
    EXPECT_EQ(server.user_with_external_id("E1001")["title"], "Chief Engineer");
}

} // namespace
} // namespace hr2scim::testing

namespace hr2scim::testing {
namespace {

// Removing a rule stops managing that attribute: nothing is sent for it, and the values the
// target holds stay. (An empty value from a rule that still exists does clear, as before.)
TEST_F(SyncTest, RemovingARuleStopsManagingTheAttributeInsteadOfClearingIt) {
    ASSERT_EQ(sync().exit_code, 0);
    const std::string mapping =
        read_file(std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml");
    use_mapping("mapping.yaml");
    (void)dir.write("mapping.yaml", without_line(mapping, "  title:"));
    server.clear_requests();
    auto result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.requests().size(), 0U) << result.out;
    EXPECT_EQ(server.user_with_external_id("E1001")["title"], "Chief Engineer");

    // Other changes still go out, without touching the unmanaged title.
    write_csv(replace_once(example_csv(), "CC-100,+44 20 7946 0001", "CC-101,+44 20 7946 0001"));
    result = sync();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(server.count_requests("PATCH"), 1U);
    EXPECT_EQ(server.user_with_external_id("E1001")["title"], "Chief Engineer");
}

} // namespace
} // namespace hr2scim::testing
