// Scope and lifecycle decisions of map_record, and the mapping file's checks of them.
#include "mapping_load_error.hpp"
#include "mappings/mapper.hpp"
#include "mappings/mapping.hpp"

#include <gtest/gtest.h>

namespace hr2scim::mappings {
namespace {

using scim::Disposition;

Instant at(const char* text) {
    return *parse_instant(text);
}

const char* k_mapping = R"(
attributes:
  userName: "{mail}"
scope:
  include: 'type == "Employee" or type == "Intern"'
  exclude: 'mail =~ "@external\\."'
  out_of_scope: remove
lifecycle:
  time_zone: Europe/Berlin
  person_time_zone: "{tz}"
  hire_date: "{start}"
  create_days_before: 7
  termination_date: "{end}"
  delete_after_days: 30
)";

connectors::Record person(const std::string& start, const std::string& end = "",
                          const std::string& tz = "", const std::string& type = "Employee") {
    return {"E1",
            {{"mail", {"ada@example.com"}},
             {"type", {type}},
             {"start", {start}},
             {"end", {end}},
             {"tz", {tz}}},
            "hr.csv:2"};
}

scim::DesiredResource decided(const connectors::Record& record, const char* now) {
    auto desired = map_record(parse_mapping(k_mapping, "m.yaml"), record, at(now));
    if (!desired) throw std::runtime_error(desired.error());
    return *desired;
}

bool active(const scim::DesiredResource& desired) {
    return desired.body.at("active").get<bool>();
}

TEST(Lifecycle, BeforeThePreHireWindowNothingIsCreated) {
    auto desired = decided(person("2026-12-10"), "2026-11-22T13:00:00Z");
    EXPECT_EQ(desired.disposition, Disposition::hold);
    EXPECT_EQ(desired.details().decision,
              "joins on 2026-12-10; the account is created (inactive) from "
              "2026-12-03 00:00 Europe/Berlin (2026-12-02T23:00:00Z)");
}

TEST(Lifecycle, InThePreHireWindowTheAccountExistsInactive) {
    auto desired =
        decided(person("2026-12-10"), "2026-12-02T23:00:00Z"); // 00:00 on the 3rd in Berlin
    EXPECT_EQ(desired.disposition, Disposition::provision);
    EXPECT_FALSE(active(desired));
    EXPECT_EQ(desired.details().decision,
              "pre-hire: joins on 2026-12-10; active from 2026-12-10 00:00 Europe/Berlin "
              "(2026-12-09T23:00:00Z)");
    EXPECT_EQ(decided(person("2026-12-10"), "2026-12-02T22:59:59Z").disposition, Disposition::hold)
        << "one second earlier it is still the 2nd in Berlin";
}

TEST(Lifecycle, OnTheStartDateTheAccountIsActive) {
    EXPECT_FALSE(active(decided(person("2026-12-10"), "2026-12-09T22:59:59Z")));
    EXPECT_TRUE(active(decided(person("2026-12-10"), "2026-12-09T23:00:00Z")));
}

TEST(Lifecycle, TheLastDayEndsAtMidnightInThePersonsZone) {
    // Last day 2026-11-30 in Los Angeles: active until 2026-12-01 08:00 UTC.
    auto still =
        decided(person("2020-01-01", "2026-11-30", "America/Los_Angeles"), "2026-12-01T07:59:59Z");
    EXPECT_TRUE(active(still));
    EXPECT_EQ(still.details().decision,
              "last day 2026-11-30; deactivated from 2026-12-01 00:00 America/Los_Angeles "
              "(2026-12-01T08:00:00Z)");
    auto gone =
        decided(person("2020-01-01", "2026-11-30", "America/Los_Angeles"), "2026-12-01T08:00:00Z");
    EXPECT_FALSE(active(gone));
    EXPECT_TRUE(gone.deletable);
    EXPECT_EQ(gone.disposition, Disposition::provision);
    // Without a zone of their own, the configured Berlin: over at 23:00 UTC on the 30th.
    EXPECT_FALSE(active(decided(person("2020-01-01", "2026-11-30"), "2026-11-30T23:00:00Z")));
    EXPECT_TRUE(active(decided(person("2020-01-01", "2026-11-30"), "2026-11-30T22:59:59Z")));
}

TEST(Lifecycle, ARehireAfterTheLastDayCountsFromTheNewStart) {
    auto desired = decided(person("2026-12-10", "2026-06-30"), "2026-12-05T12:00:00Z");
    EXPECT_FALSE(active(desired));
    EXPECT_FALSE(desired.deletable) << "a pre-hire, not a leaver";
    EXPECT_TRUE(active(decided(person("2026-12-10", "2026-06-30"), "2026-12-10T12:00:00Z")));
}

TEST(Lifecycle, ScopeDecidesBeforeDates) {
    auto contractor = decided(person("2020-01-01", "", "", "Contractor"), "2026-11-22T13:00:00Z");
    EXPECT_EQ(contractor.disposition, Disposition::out_of_scope);
    EXPECT_TRUE(contractor.deletable) << "out_of_scope: remove";
    EXPECT_EQ(contractor.details().decision,
              "out of scope: include (type == \"Employee\" or type == \"Intern\") is false; "
              "deactivated, deleted after the grace period");
    auto record = person("2020-01-01");
    record.attributes["mail"] = {"bob@external.example.com"};
    EXPECT_EQ(decided(record, "2026-11-22T13:00:00Z").details().decision,
              "out of scope: exclude (mail =~ \"@external\\\\.\") is true; deactivated, deleted "
              "after the grace period");
    EXPECT_EQ(decided(person("2020-01-01", "", "", "Intern"), "2026-11-22T13:00:00Z").disposition,
              Disposition::provision);
}

TEST(Lifecycle, ABadDateOrZoneRejectsTheRecordWithTheReason) {
    auto mapping = parse_mapping(k_mapping, "m.yaml");
    EXPECT_EQ(map_record(mapping, person("10/12/2026"), at("2026-11-22T13:00:00Z")).error(),
              "lifecycle.hire_date: '10/12/2026' is not a date (YYYY-MM-DD; format_datetime() "
              "converts other forms)");
    EXPECT_EQ(
        map_record(mapping, person("2026-12-10", "2026-02-30"), at("2026-11-22T13:00:00Z")).error(),
        "lifecycle.termination_date: '2026-02-30' is not a date (YYYY-MM-DD; format_datetime() "
        "converts other "
        "forms)");
    EXPECT_EQ(
        map_record(mapping, person("2026-12-10", "", "Berlin"), at("2026-11-22T13:00:00Z")).error(),
        "lifecycle.person_time_zone: 'Berlin' is not a time zone (for example Europe/Berlin)");
}

TEST(Lifecycle, OutOfScopeLeaveHoldsTheAccount) {
    auto mapping = parse_mapping(
        "attributes:\n  userName: '{mail}'\nscope:\n  include: 'type == \"Employee\"'\n"
        "  out_of_scope: leave\n",
        "m.yaml");
    auto desired =
        map_record(mapping, person("", "", "", "Contractor"), at("2026-11-22T13:00:00Z"));
    ASSERT_TRUE(desired) << desired.error();
    EXPECT_EQ(desired->disposition, Disposition::hold);
    EXPECT_FALSE(desired->deletable);
}

TEST(Lifecycle, TheMappingFileIsCheckedWhenItLoads) {
    const std::string head = "attributes:\n  userName: '{mail}'\n";
    EXPECT_EQ(
        load_error(head + "lifecycle:\n  hire_date: '{start}'\n"),
        "m.yaml:4:3: lifecycle needs time_zone: the zone whose end of day ends a last working day");
    EXPECT_EQ(load_error(head + "lifecycle:\n  time_zone: Europe/Berlim\n"),
              "m.yaml:4:14: 'Europe/Berlim' is not a time zone (for example Europe/Berlin, "
              "America/New_York, UTC)");
    EXPECT_EQ(load_error(head + "lifecycle:\n  time_zone: UTC\n  create_days_before: -3\n"),
              "m.yaml:5:23: '-3' is not a number of days from 0 to 366");
    EXPECT_EQ(load_error(head + "lifecycle:\n  time_zone: UTC\n  hire_dat: '{start}'\n"),
              "m.yaml:5:3: unknown key 'hire_dat' in lifecycle (expected: time_zone, "
              "person_time_zone, hire_date, "
              "create_days_before, termination_date, delete_after_days)");
    EXPECT_EQ(load_error(head + "scope:\n  include: 'type =='\n"),
              "m.yaml:4:20: expected an attribute name, a \"string\", a number or a function call");
    EXPECT_EQ(load_error(head + "scope:\n  out_of_scope: delete\n"),
              "m.yaml:4:17: out_of_scope takes deactivate, remove or leave");
    EXPECT_EQ(
        load_error(head + "scope:\n  out_of_scope: remove\n"),
        "m.yaml: scope.out_of_scope: remove needs lifecycle.delete_after_days (the grace period)");
    EXPECT_EQ(load_error(head + "lifecycle:\n  time_zone: UTC\n  delete_after_days: never\n"),
              "no error");
}

TEST(Lifecycle, ScopeAndDatesAreCheckedAgainstTheSourcesAttributes) {
    auto mapping = parse_mapping(k_mapping, "m.yaml");
    auto errors = check_source_attributes(mapping, {"mail", "type", "start", "end"});
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(
        errors[0],
        "m.yaml:10:23: 'tz' is not an attribute of the source (it has: mail, type, start, end)");
    EXPECT_TRUE(decisions_read(mapping, "typ"));
    EXPECT_FALSE(decisions_read(mapping, "directory."));
}

} // namespace
} // namespace hr2scim::mappings
