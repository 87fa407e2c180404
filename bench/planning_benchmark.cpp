// The steps of the planning path, one at a time, per person: reading a CSV row into a record,
// packing and fingerprinting a mapped body, diffing two bodies, looking a key up in the state,
// reading the state without bodies, writing outcomes in batches, planning at a glance, and
// planning groups.
// bench/plan_at_scale.sh measures them together, end to end.
//   build/bench/planning_benchmark
#include "connectors/csv_source.hpp"
#include "scim/patch.hpp"
#include "state/body_hash.hpp"
#include "state/group_plan.hpp"
#include "state/planner.hpp"
#include "state/state_store.hpp"

#include <benchmark/benchmark.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

namespace {

using namespace hr2scim;
using nlohmann::json;

// A folder for the benchmark's files, removed afterwards.
struct Scratch {
    Scratch() {
        path = std::filesystem::temp_directory_path() /
               ("hr2scim-bench-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
    }
    ~Scratch() { std::filesystem::remove_all(path); }
    std::filesystem::path path;
};

std::string key_of(size_t i) {
    char key[24];
    std::snprintf(key, sizeof key, "E%07zu", i);
    return key;
}

json body_of(size_t i, const std::string& title = "Engineer") {
    const std::string n = std::to_string(i);
    return {{"schemas",
             {"urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}},
            {"userName", "person" + n + "@example.com"},
            {"externalId", key_of(i)},
            {"name", {{"givenName", "First" + n}, {"familyName", "Last" + n}}},
            {"displayName", "First" + n + " Last" + n},
            {"title", title},
            {"active", true},
            {"emails",
             {{{"type", "work"}, {"value", "person" + n + "@example.com"}, {"primary", true}}}},
            {"phoneNumbers", {{{"type", "mobile"}, {"value", "+1 555 " + n}}}},
            {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
             {{"employeeNumber", key_of(i)},
              {"department", "Dept" + std::to_string(i % 40)},
              {"costCenter", "CC-" + std::to_string(i % 12)},
              {"manager", {{"value", "u" + key_of(i / 10 + 1)}}}}}};
}

void ReadCsvRows(benchmark::State& state) {
    Scratch scratch;
    const auto file = scratch.path / "hr.csv";
    const auto rows = static_cast<size_t>(state.range(0));
    {
        std::ofstream out(file);
        out << "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,"
               "manager_id\n";
        for (size_t i = 1; i <= rows; ++i)
            out << key_of(i) << ",First" << i << ",Last" << i << ",person" << i
                << "@example.com,Engineer,Dept" << i % 40 << ",CC-" << i % 12 << ",+1 555 " << i
                << "," << key_of(i / 10 + 1) << "\n";
    }
    connectors::CsvSource source({file, "employee_id", {}});
    for (auto _ : state) {
        size_t read = 0;
        auto result = source.read_each([&](connectors::Record&& record) {
            benchmark::DoNotOptimize(record);
            ++read;
        });
        if (read != rows || !result.complete()) state.SkipWithError("the file was not read whole");
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
}
BENCHMARK(ReadCsvRows)->Arg(10000);

void PackAndFingerprint(benchmark::State& state) {
    std::vector<json> bodies;
    for (size_t i = 0; i < 1000; ++i)
        bodies.push_back(body_of(i));
    const std::string manager = "u-manager";
    size_t next = 0;
    for (auto _ : state) {
        scim::DesiredResource desired;
        desired.body = bodies[next];
        state::pack_for_planning(desired, &manager);
        benchmark::DoNotOptimize(desired.sent_fingerprint);
        next = (next + 1) % bodies.size();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(PackAndFingerprint);

// The fingerprint alone over a packed body (about 600 bytes with the manager): the state's
// XXH3, beside the byte-at-a-time FNV-1a it replaced (still the plan files' digest).
void FingerprintABody(benchmark::State& state, std::string (*hash)(std::string_view)) {
    json sent = body_of(1234567);
    state::set_manager_id(sent, "u-manager");
    const std::string text = sent.dump();
    for (auto _ : state)
        benchmark::DoNotOptimize(hash(text));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
    state.SetLabel(std::to_string(text.size()) + " bytes");
}
BENCHMARK_CAPTURE(FingerprintABody, xxh3, state::fingerprint);
BENCHMARK_CAPTURE(FingerprintABody, fnv1a, state::text_digest);

void DiffTwoBodies(benchmark::State& state) {
    const json before = body_of(7), after = body_of(7, "Senior Engineer");
    for (auto _ : state) {
        auto changes = scim::diff_bodies(before, after);
        benchmark::DoNotOptimize(changes);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(DiffTwoBodies);

// A state of `count` users, written in batches of 10,000 (what a first sync records).
std::filesystem::path write_state(const std::filesystem::path& folder, size_t count) {
    const auto file = folder / "state.db";
    std::filesystem::remove(file);
    state::StateStore store(file);
    for (size_t first = 1; first <= count; first += 10000)
        store.write_batch([&](state::StateStore& batch) {
            for (size_t i = first; i < first + 10000 && i <= count; ++i)
                batch.save("bench", {key_of(i), "u" + key_of(i), state::ResourceStatus::active,
                                     body_of(i), std::nullopt});
        });
    return file;
}

void WriteStateInBatches(benchmark::State& state) {
    Scratch scratch;
    const auto count = static_cast<size_t>(state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(write_state(scratch.path, count));
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(WriteStateInBatches)->Arg(20000)->Unit(benchmark::kMillisecond);

void ReadStateWithoutBodies(benchmark::State& state) {
    Scratch scratch;
    const auto count = static_cast<size_t>(state.range(0));
    const auto file = write_state(scratch.path, count);
    for (auto _ : state) {
        auto snapshot = state::StateStore::read_snapshot(file, "bench", false);
        if (snapshot.resources.size() != count) state.SkipWithError("rows missing");
        benchmark::DoNotOptimize(snapshot);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(ReadStateWithoutBodies)->Arg(20000)->Unit(benchmark::kMillisecond);

std::vector<state::StoredResource> headers(size_t count) {
    std::vector<state::StoredResource> stored;
    for (size_t i = 1; i <= count; ++i) {
        json sent = body_of(i);
        stored.push_back({key_of(i),
                          "u" + key_of(i),
                          state::ResourceStatus::active,
                          nullptr,
                          std::nullopt,
                          {},
                          state::fingerprint_value(sent.dump()),
                          false});
    }
    return stored;
}

void LookUpAKeyInTheState(benchmark::State& state) {
    const auto stored = headers(100000);
    const state::StoredIndex index(stored, false);
    size_t next = 1;
    for (auto _ : state) {
        benchmark::DoNotOptimize(index.find(key_of(next)));
        next = next % 100000 + 1;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(LookUpAKeyInTheState);

// Everyone unchanged but 1%: planning sees fingerprints only, and diffs the 1%.
void PlanAtAGlance(benchmark::State& state) {
    const auto count = static_cast<size_t>(state.range(0));
    auto stored = headers(count);
    std::vector<scim::DesiredResource> desired;
    for (size_t i = 1; i <= count; ++i) {
        scim::DesiredResource person;
        person.key = key_of(i);
        person.body = body_of(i, i % 100 == 0 ? "Senior Engineer" : "Engineer");
        state::pack_for_planning(person, nullptr);
        desired.push_back(std::move(person));
    }
    state::PlanPolicy policy;
    for (auto position : state::resources_needing_bodies(desired, stored, policy)) {
        stored[position].body = body_of(position + 1);
        stored[position].has_body = true;
    }
    for (auto _ : state) {
        auto plan = state::make_plan(desired, stored, policy);
        if (plan.operations.size() != count / 100) state.SkipWithError("wrong plan");
        benchmark::DoNotOptimize(plan);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(PlanAtAGlance)->Arg(100000)->Unit(benchmark::kMillisecond);

// 100,000 people in 2,000 department groups and one group of everyone, as last sent; 1 % moved
// department (one member of each of 1,000 groups): collecting the groups from the people and
// planning them (issue 14: seconds).
void PlanGroups(benchmark::State& state) {
    const auto count = static_cast<size_t>(state.range(0));
    const size_t departments = 2000;
    const auto department = [&](size_t i, bool moved) {
        const auto number = std::to_string((i + (moved ? 1 : 0)) % departments);
        return scim::GroupMembership{"dept-" + number, "Dept " + number, "dept-" + number,
                                     "departments", nullptr};
    };
    const auto users = headers(count);
    std::vector<scim::DesiredResource> people;
    std::map<std::string, state::StoredGroup> stored;
    for (size_t i = 1; i <= count; ++i) {
        scim::DesiredResource person;
        person.key = key_of(i);
        person.groups = {department(i, i <= count / 100),
                         {"all", "Everyone", "all", "everyone", nullptr}};
        people.push_back(std::move(person));
        for (const auto& group : {department(i, false), people.back().groups[1]}) {
            auto& sent = stored[group.key];
            sent.key = group.key;
            sent.scim_id = "g" + group.key;
            sent.display_name = group.display_name;
            sent.external_id = group.external_id;
            sent.members.push_back(key_of(i));
            sent.member_ids.push_back("u" + key_of(i));
        }
    }
    std::vector<state::StoredGroup> sent;
    for (auto& [key, group] : stored)
        sent.push_back(std::move(group));
    const state::Plan user_plan;
    const std::set<std::string> none;
    for (auto _ : state) {
        const auto desired = state::collect_groups(people, false);
        auto plan = state::plan_groups({desired, sent, people, users, user_plan, none}, {});
        if (plan.members(state::GroupOperationKind::add_members) != count / 100 ||
            plan.members(state::GroupOperationKind::remove_members) != count / 100)
            state.SkipWithError("wrong group plan");
        benchmark::DoNotOptimize(plan);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(PlanGroups)->Arg(100000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
