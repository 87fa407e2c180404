#include "mappings/expression_parser.hpp"
#include "mappings/functions.hpp"

#include <gtest/gtest.h>

namespace hr2scim::mappings {
namespace {

// The tests' fixed clock: 2026-11-22 13:05 UTC.
const Instant k_now = *parse_instant("2026-11-22T13:05:00Z");

connectors::Record person() {
    return {"E1",
            {{"first", {"Ada"}},
             {"last", {"Lovelace"}},
             {"mail", {" Ada@Example.COM "}},
             {"First Name", {"Augusta"}},
             {"city", {"ÅRHUS"}}},
            "hr.csv:2"};
}

std::string eval(std::string_view text) {
    auto parsed = parse_template(text, {1, 1});
    if (!parsed) return "ERROR " + parsed.error().message;
    return evaluate(**parsed, person(), k_now).text();
}

TEST(Expression, TemplatesSubstituteAttributes) {
    EXPECT_EQ(eval("{first} {last}"), "Ada Lovelace");
    EXPECT_EQ(eval("plain text"), "plain text");
    EXPECT_EQ(eval("{[First Name]}"), "Augusta");
    EXPECT_EQ(eval("{FIRST}"), "Ada") << "attribute names ignore case, as LDAP's do";
    EXPECT_EQ(eval("{missing}x"), "x") << "a missing attribute is empty";
    EXPECT_EQ(eval("{{literal}} {first}"), "{literal} Ada");
    EXPECT_EQ(eval(""), "");
}

TEST(Expression, FunctionsNestAndTakeStrings) {
    EXPECT_EQ(eval("{lower(trim(mail))}"), "ada@example.com");
    EXPECT_EQ(eval("{upper(first)}.{lower( last )}"), "ADA.lovelace");
    EXPECT_EQ(eval(R"({upper("x\"y")})"), "X\"Y");
}

TEST(Expression, CaseMappingIsUnicode) {
    EXPECT_EQ(eval("{lower(city)}"), "århus");
    EXPECT_EQ(eval(R"({upper("straße ünd çé")})"), "STRAẞE ÜND ÇÉ");
    EXPECT_EQ(find_function("lower")
                  ->apply({Value("\xFF"
                                 "AB")})
                  .text(),
              "\xFF"
              "ab")
        << "invalid UTF-8 passes through";
    EXPECT_EQ(find_function("trim")->apply({Value(" \t\n ")}).text(), "");
}

TEST(Expression, ErrorsPointAtTheColumn) {
    auto unknown = parse_template("{lowr(mail)}", {3, 10});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().position.line, 3);
    EXPECT_EQ(unknown.error().position.column, 11);
    EXPECT_EQ(unknown.error().message.rfind(
                  "unknown function 'lowr' (known: lower, upper, trim, pcase,", 0),
              0U)
        << unknown.error().message;

    auto arity = parse_template("x {lower(a, b)}", {1, 1});
    ASSERT_FALSE(arity);
    EXPECT_EQ(arity.error().position.column, 4);
    EXPECT_EQ(arity.error().message,
              R"(lower takes 1 argument, not 2; for example lower("Ada LÖVE") is "ada löve")");

    EXPECT_EQ(parse_template("{first", {1, 1}).error().message,
              "expected `}` to close the placeholder");
    EXPECT_EQ(parse_template("a } b", {1, 1}).error().message,
              "a lone `}`: write `}}` for a literal brace");
    EXPECT_EQ(parse_template("{}", {1, 1}).error().message,
              "expected an attribute name, a \"string\", a number or a function call");
    EXPECT_EQ(parse_template("{\"open}", {1, 1}).error().message, "unterminated string");
}

TEST(Expression, CollectsEveryAttributeItReads) {
    auto parsed = parse_template("{first} {lower(last)} {upper(\"k\")}", {1, 1});
    ASSERT_TRUE(parsed);
    std::vector<std::pair<std::string, Position>> refs;
    collect_attribute_refs(**parsed, refs);
    ASSERT_EQ(refs.size(), 2U);
    EXPECT_EQ(refs[0].first, "first");
    EXPECT_EQ(refs[1].first, "last");
    EXPECT_EQ(refs[1].second.column, 16);
}

} // namespace
} // namespace hr2scim::mappings

namespace hr2scim::mappings {
namespace {

std::string joined(const std::string& item, const std::string& separator, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i)
        out += (i ? separator : "") + item;
    return out;
}

TEST(ExpressionBounds, LongChainsAreWideNotDeep) {
    // 300 terms: far past the nesting limit, yet one node, evaluated in a loop.
    EXPECT_EQ(eval("{iif(" + joined("first == \"x\"", " or ", 299) +
                   " or first == \"Ada\", \"yes\", \"no\")}"),
              "yes");
    EXPECT_EQ(eval("{iif(" + joined("first == \"Ada\"", " and ", 300) + ", \"yes\", \"no\")}"),
              "yes");
    EXPECT_EQ(eval("{iif(" + joined("first == \"Ada\"", " and ", 299) +
                   " and last == \"x\", \"yes\", \"no\")}"),
              "no");
}

TEST(ExpressionBounds, HugeExpressionsAreRefusedWithAReason) {
    auto chain = eval("{" + joined("a", " or ", 10000) + "}");
    EXPECT_TRUE(chain.starts_with("ERROR the expression has more than 2000 parts"))
        << chain.substr(0, 200);
    auto long_text = eval("{" + joined("first == \"x\"", " or ", 10000) + "}");
    EXPECT_TRUE(long_text.starts_with("ERROR the expression is 159998 characters long"))
        << long_text.substr(0, 200);
    auto wide = eval("{concat(" + joined("first", ",", 200000) + ")}");
    EXPECT_TRUE(wide.starts_with("ERROR the expression is ")) << wide.substr(0, 200);
    auto many = eval("{concat(" + joined("a", ",", 5000) + ")}");
    EXPECT_TRUE(many.starts_with("ERROR the expression has more than 2000 parts"))
        << many.substr(0, 200);
}

TEST(ExpressionBounds, PositionsStayRightOnLaterLines) {
    auto parsed = parse_template("a\nbb\n{lowr(x)}", {10, 5});
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().position.line, 12);
    EXPECT_EQ(parsed.error().position.column, 2);
}

} // namespace
} // namespace hr2scim::mappings
