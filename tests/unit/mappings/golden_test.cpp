// Golden tests: complete mapping files applied to a sample HR export at a fixed instant,
// compared with the reviewed result in tests/data/golden/*.expected.json (the SCIM body,
// the scope and lifecycle decision, the manager key and unique candidates of every record).
// After a deliberate change, regenerate with HR2SCIM_UPDATE_GOLDEN=1 and review the diff.
#include "connectors/csv_source.hpp"
#include "mappings/mapper.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>

namespace hr2scim::mappings {
namespace {

using nlohmann::json;

const std::string k_data = std::string(HR2SCIM_SOURCE_DIR) + "/tests/data/golden/";

std::string_view disposition_name(scim::Disposition disposition) {
    switch (disposition) {
    case scim::Disposition::provision:
        return "provision";
    case scim::Disposition::hold:
        return "hold";
    case scim::Disposition::out_of_scope:
        return "out_of_scope";
    }
    return "?";
}

json map_all(const std::string& mapping_file, const std::string& csv_file, const char* now) {
    auto mapping = load_mapping(mapping_file);
    auto read = connectors::records_from_csv(connectors::parse_csv(testing::read_file(csv_file)),
                                             "hr.csv", "employee_id");
    json out = json::object();
    for (const auto& record : read.records) {
        auto desired = map_record(mapping, record, *parse_instant(now));
        if (!desired) {
            out[record.key] = {{"rejected", desired.error()}};
            continue;
        }
        json entry = {{"disposition", disposition_name(desired->disposition)},
                      {"decision", desired->details().decision},
                      {"deletable", desired->deletable},
                      {"body", desired->body}};
        if (desired->manager_key) entry["manager_key"] = *desired->manager_key;
        for (const auto& choice : desired->details().unique)
            entry["unique"][choice.path.to_string()] = choice.candidates;
        out[record.key] = std::move(entry);
    }
    return out;
}

void expect_golden(const std::string& name, const std::string& mapping_file, const char* now) {
    json actual = map_all(mapping_file, k_data + name + ".csv", now);
    const std::string expected_file = k_data + name + ".expected.json";
    if (std::getenv("HR2SCIM_UPDATE_GOLDEN"))
        std::ofstream(expected_file) << actual.dump(2) << '\n';
    json expected = json::parse(testing::read_file(expected_file));
    EXPECT_EQ(actual, expected) << "actual:\n" << actual.dump(2);
}

TEST(Golden, TheHrCsvPreset) {
    expect_golden("hr_csv", std::string(HR2SCIM_SOURCE_DIR) + "/mappings/presets/hr_csv.yaml",
                  "2026-11-22T13:05:00Z");
}

TEST(Golden, TheExampleMapping) {
    expect_golden("example", std::string(HR2SCIM_SOURCE_DIR) + "/examples/mapping.yaml",
                  "2026-11-22T13:05:00Z");
}

} // namespace
} // namespace hr2scim::mappings
