// Mapping cost per record: a realistic 20-attribute mapping (templates, functions, a unique
// userName, a manager, scope and lifecycle dates) over generated HR rows.
//   build/bench/mapping_benchmark
#include "mappings/compiled_mapping.hpp"
#include "mappings/mapper.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace hr2scim;

const char* k_mapping = R"(
attributes:
  userName: '{unique(lower(email), lower(concat(normalize_diacritics(first_name), ".", normalize_diacritics(last_name), "@example.com")))}'
  externalId: { column: employee_id }
  name.givenName: { column: first_name }
  name.familyName: { column: last_name }
  name.formatted: "{first_name} {last_name}"
  displayName: "{coalesce(preferred_name, first_name)} {last_name}"
  nickName: { column: preferred_name, when_empty: leave }
  title: "{pcase(trim(job_title))}"
  userType: { column: worker_type }
  preferredLanguage: { column: language, default: en }
  timezone: { column: time_zone }
  emails[type eq "work"].value: "{lower(email)}"
  emails[type eq "work"].primary: { value: true }
  phoneNumbers[type eq "mobile"].value: "{replace(mobile, \"[^0-9+]\", \"\")}"
  addresses[type eq "work"].locality: { column: office_city }
  addresses[type eq "work"].country: "{upper(country)}"
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber: { column: employee_id }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department: "{switch(department, department, \"ENG\", \"Engineering\", \"RES\", \"Research\")}"
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter: { column: cost_center }
  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager: { column: manager_id }
scope:
  include: 'worker_type == "Employee" or worker_type == "Intern"'
lifecycle:
  time_zone: Europe/London
  person_time_zone: "{time_zone}"
  hire_date: "{start_date}"
  create_days_before: 7
  termination_date: "{end_date}"
)";

std::vector<connectors::Record> people(size_t count) {
    std::vector<connectors::Record> records;
    for (size_t i = 0; i < count; ++i) {
        std::string id = "E" + std::to_string(100000 + i);
        records.push_back({id,
                           {{"employee_id", {id}},
                            {"first_name", {i % 7 == 0 ? "Søren" : "Ada"}},
                            {"last_name", {"Lovelace" + std::to_string(i)}},
                            {"preferred_name", {i % 3 == 0 ? "" : "Addie"}},
                            {"email", {"Ada.Lovelace" + std::to_string(i) + "@Example.com"}},
                            {"job_title", {"  senior engineer "}},
                            {"worker_type", {i % 10 == 0 ? "Contractor" : "Employee"}},
                            {"language", {""}},
                            {"time_zone", {i % 2 ? "Europe/Berlin" : ""}},
                            {"mobile", {"+44 (20) 7946-" + std::to_string(1000 + i % 9000)}},
                            {"office_city", {"London"}},
                            {"country", {"gb"}},
                            {"department", {i % 2 ? "ENG" : "RES"}},
                            {"cost_center", {"CC-100"}},
                            {"manager_id", {"E100000"}},
                            {"start_date", {i % 50 == 0 ? "2026-12-01" : "2020-01-01"}},
                            {"end_date", {i % 40 == 0 ? "2026-11-01" : ""}}},
                           "hr.csv:" + std::to_string(i + 2)});
    }
    return records;
}

void MapOneRecord(benchmark::State& state) {
    const auto mapping = mappings::parse_mapping(k_mapping, "bench.yaml");
    const auto records = people(1000);
    const auto now = *mappings::parse_instant("2026-11-22T13:05:00Z");
    size_t next = 0;
    for (auto _ : state) {
        auto desired = mappings::map_record(mapping, records[next], now);
        benchmark::DoNotOptimize(desired);
        next = (next + 1) % records.size();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(MapOneRecord);

// The people as a CSV streams them to plan and sync: one header, one field per column.
std::vector<connectors::Record> csv_rows(const std::vector<connectors::Record>& records) {
    auto header = std::make_shared<std::vector<std::string>>();
    for (const auto& [name, values] : records.front().attributes)
        header->push_back(name);
    std::vector<connectors::Record> rows;
    for (const auto& record : records) {
        connectors::Record row{record.key, {}, record.origin};
        row.header = header;
        for (const auto& [name, values] : record.attributes)
            row.fields.push_back(values.front());
        rows.push_back(std::move(row));
    }
    return rows;
}

// The same through the compiled mapping, as plan and sync map CSV rows: the body written as its
// packed text (the tree path's equivalent is MapOneRecord here plus PackAndFingerprint in
// planning_benchmark).
void MapOneRecordCompiled(benchmark::State& state) {
    const auto mapping = mappings::parse_mapping(k_mapping, "bench.yaml");
    const auto program = mappings::CompiledMapping::compile(mapping);
    const auto records = csv_rows(people(1000));
    const auto now = *mappings::parse_instant("2026-11-22T13:05:00Z");
    const std::string manager_id = "2819c223-7f76-453a-919d-413861904646";
    const mappings::ManagerIdOf manager_of = [&](std::string_view) { return &manager_id; };
    size_t next = 0;
    for (auto _ : state) {
        auto desired = program->map(records[next], now, manager_of);
        benchmark::DoNotOptimize(desired);
        next = (next + 1) % records.size();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(MapOneRecordCompiled);

} // namespace

BENCHMARK_MAIN();
