// The compiled mapping against map_record(): byte-identical bodies, and the same fingerprints,
// decisions, unique candidates, groups and refusals, for every mapping in the repository, the
// mapping reference's (docs/mapping.md), and generated ones over generated records.
#include "mappings/compiled_mapping.hpp"
#include "mappings/expression.hpp"
#include "tests/support/documentation.hpp"
#include "tests/support/mapping_corpus.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <random>

namespace hr2scim::mappings {
namespace {

const Instant k_now = *parse_instant("2026-11-22T13:05:00Z");

// Every source attribute the mapping reads (rules, scope, lifecycle, groups).
std::vector<std::string> columns_read(const Mapping& mapping) {
    std::vector<std::pair<std::string, Position>> refs;
    auto collect = [&](const ExpressionPtr& expression) {
        if (expression) collect_attribute_refs(*expression, refs);
    };
    for (const auto& rule : mapping.rules) {
        collect(rule.value);
        collect(rule.default_value);
    }
    collect(mapping.scope.include);
    collect(mapping.scope.exclude);
    collect(mapping.lifecycle.person_time_zone);
    collect(mapping.lifecycle.hire_date);
    collect(mapping.lifecycle.termination_date);
    for (const auto& group : mapping.groups) {
        collect(group.for_each);
        collect(group.display_name);
        collect(group.external_id);
        collect(group.members);
    }
    std::vector<std::string> names;
    for (const auto& [name, unused] : refs)
        names.push_back(name);
    return names;
}

// Compares the two over `records` generated records; returns how many the program mapped.
size_t expect_same(const Mapping& mapping, const std::string& label, size_t records,
                   std::mt19937& random) {
    auto program = CompiledMapping::compile(mapping);
    if (!program) return 0;
    testing::Draw draw = [&](size_t n) {
        return std::uniform_int_distribution<size_t>(0, n - 1)(random);
    };
    const auto extra = columns_read(mapping);
    size_t mapped = 0;
    for (size_t i = 0; i < records; ++i) {
        const auto record = testing::draw_record(draw, extra);
        if (auto difference = testing::compiled_difference(mapping, *program, record, k_now)) {
            ADD_FAILURE() << label << ": " << *difference;
            return mapped;
        }
        mapped += map_record(mapping, record, k_now).has_value() ? 1 : 0;
    }
    return mapped;
}

TEST(CompiledMapping, EveryMappingInTheRepositoryWritesTheTreesBytes) {
    const std::filesystem::path root = HR2SCIM_SOURCE_DIR;
    std::mt19937 random(20261206);
    size_t compiled = 0;
    for (const char* folder : {"mappings/presets", "examples", "bench", "tests/data"}) {
        for (const auto& entry : std::filesystem::directory_iterator(root / folder)) {
            const auto name = entry.path().filename().string();
            if (!name.ends_with("mapping.yaml") && std::string(folder) != "mappings/presets")
                continue;
            SCOPED_TRACE(entry.path().string());
            const Mapping mapping = load_mapping(entry.path());
            if (!CompiledMapping::compile(mapping)) continue;
            ++compiled;
            expect_same(mapping, entry.path().string(), 400, random);
        }
    }
    // The presets, the example, the benchmark's and the test mappings: all but those with
    // lists of values (entitlements, roles), which are mapped as trees.
    EXPECT_GE(compiled, 9U);
}

TEST(CompiledMapping, TheReadmesMappingWritesTheTreesBytes) {
    const auto section = testing::documentation_section("Mapping");
    ASSERT_TRUE(section) << "no page, or more than one, has a section \"Mapping\"";
    const std::vector<std::string> blocks = testing::fenced_blocks(section->text, "yaml");
    ASSERT_GE(blocks.size(), 5U);
    const std::string label = section->page.string();
    const Mapping whole = parse_mapping(blocks[0] + blocks[2] + blocks[3] + blocks[4], label);
    ASSERT_NE(CompiledMapping::compile(whole), nullptr);
    std::mt19937 random(7);
    EXPECT_GT(expect_same(whole, label, 2000, random), 0U);
    // The entitlements example is a list of values: not compiled, mapped as a tree.
    EXPECT_EQ(CompiledMapping::compile(parse_mapping(blocks[1], label)), nullptr);
}

TEST(CompiledMapping, GeneratedMappingsWriteTheTreesBytes) {
    std::mt19937 random(42);
    testing::Draw draw = [&](size_t n) {
        return std::uniform_int_distribution<size_t>(0, n - 1)(random);
    };
    size_t mappings = 0, mapped = 0;
    for (int i = 0; i < 600; ++i) {
        const std::string yaml = testing::draw_mapping(draw);
        std::optional<Mapping> mapping;
        try {
            mapping = parse_mapping(yaml, "generated.yaml");
        } catch (const MappingError&) {
            continue; // a rule the generator got wrong is not what this compares
        }
        if (!CompiledMapping::compile(*mapping)) continue;
        ++mappings;
        mapped += expect_same(*mapping, "generated:\n" + yaml, 40, random);
        if (HasFailure()) return;
    }
    // Most generated mappings load and most records map: the comparison is not vacuous.
    EXPECT_GE(mappings, 400U);
    EXPECT_GE(mapped, 4000U);
}

TEST(CompiledMapping, AManagerWithAnIdIsWrittenIntoTheEnterpriseExtension) {
    const Mapping mapping =
        parse_mapping("attributes:\n  userName: '{email}'\n"
                      "  urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager: "
                      "{ column: manager_id }\n",
                      "m.yaml");
    auto program = CompiledMapping::compile(mapping);
    ASSERT_NE(program, nullptr);
    const connectors::Record record{
        "E1", {{"email", {"a@x.org"}}, {"manager_id", {"E100"}}}, "hr.csv:2"};
    auto mapped = program->map(record, k_now, testing::corpus_manager_id);
    ASSERT_TRUE(mapped) << mapped.error();
    EXPECT_EQ(
        mapped->packed.text(),
        R"({"active":true,"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",)"
        R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],)"
        R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":)"
        R"({"manager":{"value":"2819c223-7f76-453a-919d-413861904646"}},"userName":"a@x.org"})");
    EXPECT_EQ(mapped->manager_key, "E100");
}

// unique() is evaluated once by the program (its value is its first candidate), twice by the
// tree: the same value, candidates and refusal either way.
TEST(CompiledMapping, AUniqueRuleGivesTheTreesValueAndCandidates) {
    const Mapping mapping =
        parse_mapping("attributes:\n  userName: '{unique(absent, email, title)}'\n", "m.yaml");
    auto program = CompiledMapping::compile(mapping);
    ASSERT_NE(program, nullptr);
    for (const auto& attributes :
         std::vector<connectors::Attributes>{{{"email", {"a@x.org"}}, {"title", {"Boss"}}},
                                             {{"email", {""}}, {"title", {"Boss"}}},
                                             {{"email", {""}}},
                                             {{"email", {"x", "y"}}, {"title", {"x, y"}}}}) {
        const connectors::Record record{"E1", attributes, "hr.csv:2"};
        EXPECT_EQ(testing::compiled_difference(mapping, *program, record, k_now), std::nullopt);
    }
    const connectors::Record record{"E1", {{"email", {"a@x.org"}}, {"title", {"Boss"}}}, "x"};
    auto mapped = program->map(record, k_now, testing::corpus_manager_id);
    ASSERT_TRUE(mapped) << mapped.error();
    EXPECT_NE(mapped->packed.text().find(R"("userName":"a@x.org")"), std::string::npos);
    ASSERT_EQ(mapped->details().unique.size(), 1U);
    EXPECT_EQ(mapped->details().unique[0].candidates,
              (std::vector<std::string>{"a@x.org", "Boss"}));
    const connectors::Record nobody{"E1", {{"email", {""}}}, "x"};
    EXPECT_EQ(program->map(nobody, k_now, testing::corpus_manager_id).error(), "userName is empty");
}

TEST(CompiledMapping, ListsOfValuesAndPathsInTwoShapesAreLeftToTheTree) {
    EXPECT_EQ(CompiledMapping::compile(parse_mapping(
                  "attributes:\n  userName: '{email}'\n  entitlements: '{split(ents, \";\")}'\n",
                  "m.yaml")),
              nullptr);
    EXPECT_NE(CompiledMapping::compile(parse_mapping("attributes:\n  userName: '{email}'\n", "m")),
              nullptr);
}

} // namespace
} // namespace hr2scim::mappings
