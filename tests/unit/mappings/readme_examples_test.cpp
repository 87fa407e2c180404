// The mapping reference (the section "Mapping", docs/mapping.md), read from the page itself:
// every "`expression` is `result`" in the function table under "Expressions" evaluates to that
// result, and the YAML examples of the section load. Editing an example without the code (or
// the code without the example) fails here, and so does moving them where these tests do not
// find them.
#include "documented_example.hpp"
#include "mappings/expression_parser.hpp"
#include "mappings/mapper.hpp"
#include "mappings/mapping.hpp"
#include "tests/support/documentation.hpp"

#include <gtest/gtest.h>
#include <regex>
#include <string>
#include <vector>

namespace hr2scim::mappings {
namespace {

// The one section headed `title`, on whichever page holds it; a test fails without it.
testing::DocumentationSection documented(const std::string& title) {
    auto section = testing::documentation_section(title);
    EXPECT_TRUE(section) << "no page, or more than one, has a section \"" << title << "\"";
    return section.value_or(testing::DocumentationSection{});
}

// The part of `text` from `start` up to the next line that begins with `end`.
std::string part(const std::string& text, const std::string& start, const std::string& end) {
    auto from = text.find(start);
    if (from == std::string::npos) return {};
    auto to = text.find("\n" + end, from + start.size());
    return text.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

struct Example {
    std::string expression, result;
};

std::vector<Example> function_examples(const std::string& text) {
    std::string table = part(text, "| function | example |", "#");
    std::vector<Example> examples;
    static const std::regex example_pattern("`([^`]+)` is `([^`]+)`");
    for (std::sregex_iterator it(table.begin(), table.end(), example_pattern), end; it != end; ++it)
        examples.push_back({(*it)[1].str(), (*it)[2].str()});
    return examples;
}

TEST(ReadmeExamples, EveryFunctionExampleGivesTheDocumentedResult) {
    std::vector<Example> examples = function_examples(documented("Expressions").text);
    ASSERT_GE(examples.size(), 28U)
        << "the function table under \"Expressions\" was not found or lost its examples";
    const connectors::Record person = documented_example_person();
    const Instant at = documented_example_instant();
    for (const auto& example : examples) {
        SCOPED_TRACE(example.expression);
        auto parsed = parse_expression(example.expression, {1, 1});
        ASSERT_TRUE(parsed) << parsed.error().message;
        try {
            EXPECT_EQ(evaluate(**parsed, person, at).text(),
                      documented_result(example.result).value_or(example.result));
        } catch (const EvaluationError& error) {
            ADD_FAILURE() << "raised: " << error.what();
        }
    }
}

TEST(ReadmeExamples, TheMappingSectionsYamlLoadsAsOneMapping) {
    const auto mapping_section = documented("Mapping");
    std::vector<std::string> blocks = testing::fenced_blocks(mapping_section.text, "yaml");
    ASSERT_EQ(blocks.size(), 5U) << "attributes, entitlements, scope, lifecycle and groups";
    std::string whole = blocks[0] + blocks[2] + blocks[3] + blocks[4];
    try {
        Mapping mapping = parse_mapping(whole, mapping_section.page.string());
        EXPECT_EQ(mapping.rules.size(), 11U);
        EXPECT_NE(mapping.scope.include, nullptr);
        EXPECT_NE(mapping.scope.exclude, nullptr);
        EXPECT_NE(mapping.lifecycle.time_zone, nullptr);
        EXPECT_EQ(mapping.lifecycle.create_days_before, 7);
        EXPECT_EQ(mapping.lifecycle.delete_after_days, 30);
        ASSERT_EQ(mapping.groups.size(), 3U);
        EXPECT_NE(mapping.groups[0].for_each, nullptr);
        EXPECT_EQ(mapping.groups[0].attributes.size(), 1U);
        EXPECT_NE(mapping.groups[2].members, nullptr);
    } catch (const MappingError& error) {
        ADD_FAILURE() << error.what() << "\nin:\n" << whole;
    }
}

// The entitlements example maps what the text under it says.
TEST(ReadmeExamples, TheEntitlementsExampleMapsAsSaid) {
    const auto mapping_section = documented("Mapping");
    std::vector<std::string> blocks = testing::fenced_blocks(mapping_section.text, "yaml");
    ASSERT_GE(blocks.size(), 2U);
    Mapping mapping = parse_mapping(blocks[1], mapping_section.page.string());
    const connectors::Record person{"E1",
                                    {{"email", {"Ada@X.org"}},
                                     {"permission_sets", {"0PS2;0PS1;;0PS1"}},
                                     {"profile_id", {"00e1"}},
                                     {"is_manager", {"yes"}}},
                                    "docs/mapping.md"};
    auto desired = map_record(mapping, person, *parse_instant("2026-11-22T13:05:00Z"));
    ASSERT_TRUE(desired) << desired.error();
    const std::string said =
        R"("entitlements": [{"value": "00e1", "type": "profile", "display": "Profile 00e1",
"primary": true}, {"value": "0PS1"}, {"value": "0PS2"}]` and `"roles": [{"value": "manager"}]`)";
    ASSERT_NE(mapping_section.text.find(said), std::string::npos)
        << mapping_section.page << ": the words changed";
    EXPECT_EQ(
        desired->body["entitlements"],
        nlohmann::json::parse(R"([{"value": "00e1", "type": "profile", "display": "Profile 00e1",
"primary": true}, {"value": "0PS1"}, {"value": "0PS2"}])"));
    EXPECT_EQ(desired->body["roles"], nlohmann::json::parse(R"([{"value": "manager"}])"));
}

} // namespace
} // namespace hr2scim::mappings
