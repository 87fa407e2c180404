// Every function, with ordinary, Unicode, empty and malformed input.
#include "documented_example.hpp"
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
             {"nick", {""}},
             {"groups", {"admins", "staff", "admins"}},
             {"country", {"DE"}},
             {"start", {"2026-03-01"}},
             {"status", {"active"}},
             {"phone", {"+44 (20) 7946-0001"}}},
            "hr.csv:2"};
}

Value eval(std::string_view expression) {
    auto parsed = parse_expression(expression, {1, 1});
    if (!parsed) return Value("PARSE ERROR: " + parsed.error().message);
    try {
        return evaluate(**parsed, person(), k_now);
    } catch (const EvaluationError& error) {
        return Value(std::string("ERROR: ") + error.what());
    }
}

std::string text(std::string_view expression) {
    return eval(expression).text();
}

TEST(Functions, TextCase) {
    EXPECT_EQ(text(R"(lower("Ada LÖVE"))"), "ada löve");
    EXPECT_EQ(text(R"(upper("Ada Löve"))"), "ADA LÖVE");
    EXPECT_EQ(text(R"(pcase("ADA o'BRIEN-LOVELACE"))"), "Ada O'brien-Lovelace");
    EXPECT_EQ(text(R"(pcase("élodie  ÇAĞLAR"))"), "Élodie  Çağlar");
    EXPECT_EQ(text(R"(lower(missing))"), "") << "a missing attribute is empty text";
    EXPECT_EQ(text(R"(pcase(""))"), "");
}

TEST(Functions, SpacesAndDiacritics) {
    EXPECT_EQ(text(R"(trim("  Ada "))"), "Ada");
    EXPECT_EQ(text(R"(strip_spaces(" +44 20 7946 "))"), "+44207946");
    EXPECT_EQ(text(R"(normalize_diacritics("Søren Müller-Łódź"))"), "Soren Muller-Lodz");
    EXPECT_EQ(text(R"(normalize_diacritics("Straße Æsir Ðorđe çédille"))"),
              "Strasse AEsir Dorde cedille");
    EXPECT_EQ(text(R"(normalize_diacritics(""))"), "");
}

TEST(Functions, PiecesOfText) {
    EXPECT_EQ(text(R"(left("Lovelace", 4))"), "Love");
    EXPECT_EQ(text(R"(left("Łódź", 2))"), "Łó") << "counts characters, not bytes";
    EXPECT_EQ(text(R"(left("Ada", 10))"), "Ada");
    EXPECT_EQ(text(R"(left("Ada", "x"))").substr(0, 61),
              "PARSE ERROR: left: argument 2 must be a whole number, not \"x\"")
        << "a literal of the wrong kind is a load error, not an empty value";
    EXPECT_EQ(text(R"(mid("Lovelace", 5, 3))"), "lac");
    EXPECT_EQ(text(R"(substring("Lovelace", 5))"), "lace");
    EXPECT_EQ(text(R"(mid("Lovelace", 0, 3))"), "");
    EXPECT_EQ(text(R"(word("Ada King Lovelace", 2))"), "King");
    EXPECT_EQ(text(R"(word("a,b;;c", 3, ",;"))"), "c");
    EXPECT_EQ(text(R"(word("Ada", 4))"), "");
}

TEST(Functions, RegularExpressions) {
    EXPECT_EQ(text(R"(replace(phone, "[^0-9+]", ""))"), "+442079460001");
    EXPECT_EQ(text(R"x(replace("Ada Lovelace", "(\\w+) (\\w+)", "\\2, \\1"))x"), "Lovelace, Ada");
    EXPECT_EQ(eval(R"(matches("E1001", "^E[0-9]+$"))"), Value(true));
    EXPECT_EQ(eval(R"(status =~ "^act")"), Value(true));
    EXPECT_EQ(text(R"x(replace("x", "(", ""))x"),
              "PARSE ERROR: invalid regular expression: missing ): (")
        << "a bad literal pattern is a load-time error";
}

TEST(Functions, JoiningAndLists) {
    EXPECT_EQ(text(R"(append(first, ".", last))"), "Ada.Lovelace");
    EXPECT_EQ(text(R"(concat("a", "b", "c"))"), "abc");
    EXPECT_EQ(text(R"(join(", ", first, nick, last))"), "Ada, Lovelace")
        << "empty values are skipped";
    EXPECT_EQ(text(R"(join("/", groups))"), "admins/staff/admins");
    EXPECT_EQ(eval(R"(split("a;b", ";"))"), Value(List{"a", "b"}));
    EXPECT_EQ(eval(R"(split("", ";"))"), Value(List{}));
    EXPECT_EQ(text(R"(count(split("a;b;c", ";")))"), "3");
    EXPECT_EQ(text(R"(count(groups))"), "3");
    EXPECT_EQ(text(R"(count(missing))"), "0");
    EXPECT_EQ(eval(R"(remove_duplicates(groups))"), Value(List{"admins", "staff"}));
}

TEST(Functions, Conditions) {
    EXPECT_EQ(text(R"(coalesce(nick, missing, first))"), "Ada");
    EXPECT_EQ(eval(R"(coalesce(nick, missing))"), Value());
    EXPECT_EQ(text(R"(iif(status == "active", "yes", "no"))"), "yes");
    EXPECT_EQ(text(R"(if(is_present(missing), "a", "b"))"), "b");
    EXPECT_EQ(text(R"(switch(country, "Other", "DE", "Germany", "FR", "France"))"), "Germany");
    EXPECT_EQ(text(R"(switch("IT", "Other", "DE", "Germany"))"), "Other");
    EXPECT_EQ(eval("is_null(missing)"), Value(true));
    EXPECT_EQ(eval("is_null(nick)"), Value(false)) << "an empty cell is empty, not null";
    EXPECT_EQ(eval("is_null_or_empty(nick)"), Value(true));
    EXPECT_EQ(eval("is_present(first)"), Value(true));
    EXPECT_EQ(eval("not(is_present(first))"), Value(false));
}

TEST(Functions, HashIsDeterministic) {
    EXPECT_EQ(text(R"(hash("E1001"))"), text(R"(hash("E1001"))"));
    EXPECT_EQ(text(R"(hash("E1001"))").size(), 16U);
    EXPECT_EQ(text(R"(hash("E1001", 8))"), text(R"(hash("E1001"))").substr(0, 8));
    EXPECT_NE(text(R"(hash("E1001"))"), text(R"(hash("E1002"))"));
}

TEST(Operators, CompareCombineAndNegate) {
    EXPECT_EQ(eval(R"(status == "active" and country != "FR")"), Value(true));
    EXPECT_EQ(eval(R"(status == "gone" or country == "DE")"), Value(true));
    EXPECT_EQ(eval(R"(not status == "active")"), Value(false));
    EXPECT_EQ(eval(R"(!(country == "DE") || first == "Ada")"), Value(true));
    EXPECT_EQ(eval(R"(start < "2026-04-01")"), Value(true)) << "ISO dates compare as text";
    EXPECT_EQ(eval(R"(10 > 9)"), Value(true)) << "numbers compare as numbers";
    EXPECT_EQ(eval(R"("10" >= "9")"), Value(true));
    EXPECT_EQ(eval("true and (false or true)"), Value(true));
    EXPECT_EQ(eval("null"), Value());
}

TEST(Operators, ErrorsSayWhere) {
    auto parsed = parse_expression("status == ", {4, 7});
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().position.line, 4);
    EXPECT_EQ(parsed.error().position.column, 17);
    EXPECT_EQ(parse_expression("a == b c", {1, 1}).error().message,
              "unexpected text after the expression");
    EXPECT_EQ(parse_expression("(a == b", {1, 1}).error().message, "expected `)`");
    EXPECT_EQ(
        parse_expression("iif(a, b)", {1, 1}).error().message,
        R"(iif takes 3 arguments, not 2; for example iif(status == "active", "yes", "no") is "yes" when status is active)");
    EXPECT_EQ(
        parse_expression("join(a)", {1, 1}).error().message,
        R"(join takes 2 or more arguments, not 1; for example join(", ", "a", "", "b") is "a, b")");
}

// Each function's own example ("call is result ...") is what a wrong call's error shows;
// it must hold, with the attributes the examples name.
TEST(Functions, EveryFunctionsOwnExampleHolds) {
    const connectors::Record example_person = documented_example_person();
    size_t checked = 0;
    for (const auto& function : functions()) {
        std::string example(function.example);
        SCOPED_TRACE(example);
        // The call is the longest prefix before an " is " that parses.
        ExpressionPtr call;
        std::string rest;
        for (auto at = example.find(" is "); at != std::string::npos;
             at = example.find(" is ", at + 1))
            if (auto parsed = parse_expression(example.substr(0, at), {1, 1})) {
                call = std::move(*parsed);
                rest = example.substr(at + 4);
            }
        if (!call) {
            EXPECT_TRUE(parse_expression(example.substr(0, example.find(" on create")), {1, 1}))
                << "does not parse";
            continue;
        }
        std::optional<std::string> expected = documented_result(rest);
        if (!expected) {
            EXPECT_TRUE(rest.starts_with("the list ")) << "no result to check";
            continue;
        }
        EXPECT_EQ(evaluate(*call, example_person, documented_example_instant()).text(), *expected);
        ++checked;
    }
    EXPECT_GE(checked, 28U);
}

TEST(Operators, DeepNestingIsAnErrorNotACrash) {
    // Found by fuzz_expression: thousands of "(" or "not" overflowed the stack.
    std::string parentheses = std::string(5000, '(') + "a" + std::string(5000, ')');
    EXPECT_EQ(parse_expression(parentheses, {1, 1}).error().message,
              "the expression nests more than 64 levels deep");
    std::string negations;
    for (int i = 0; i < 5000; ++i)
        negations += "not ";
    EXPECT_EQ(parse_expression(negations + "a", {1, 1}).error().message,
              "the expression nests more than 64 levels deep");
    std::string calls;
    for (int i = 0; i < 5000; ++i)
        calls += "lower(";
    EXPECT_FALSE(parse_template("{" + calls + "a" + std::string(5000, ')') + "}", {1, 1}));
    EXPECT_TRUE(parse_expression(std::string(20, '(') + "a" + std::string(20, ')'), {1, 1}))
        << "ordinary nesting is fine";
}

TEST(Functions, EveryFunctionHasAnExample) {
    for (const auto& function : functions())
        EXPECT_FALSE(function.example.empty()) << function.name;
    EXPECT_GE(functions().size(), 25U);
}

} // namespace
} // namespace hr2scim::mappings

namespace hr2scim::mappings {
namespace {

TEST(FunctionShapes, ASwitchKeyWithoutItsValueIsALoadError) {
    auto parsed = parse_expression(R"(switch(country, "none", "Eng"))", {3, 10});
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message.find("the last key (argument 3) has no value"),
              std::string::npos)
        << parsed.error().message;
    EXPECT_EQ(parsed.error().position.line, 3);
    EXPECT_EQ(parsed.error().position.column, 10);
    EXPECT_EQ(text(R"(switch(country, "none", "DE", "Germany"))"), "Germany");
    EXPECT_EQ(text(R"(switch(country, "none"))"), "none")
        << "a value and a default alone are a whole switch";
}

TEST(FunctionShapes, LiteralsOfTheWrongKindAreLoadErrors) {
    for (const char* wrong :
         {R"(left(first, "two"))", R"(mid(first, 1, "x"))", R"(word(first, "second"))",
          R"(hash(first, 99))", R"(date_add("fortnight", 1, start))",
          R"(date_diff("eons", start, start))"}) {
        auto parsed = parse_expression(wrong, {1, 1});
        EXPECT_FALSE(parsed.has_value()) << wrong << " loads";
    }
    EXPECT_TRUE(parse_expression(R"(date_add("day", -1, start))", {1, 1}).has_value())
        << "singular units, negatives";
}

TEST(FunctionShapes, AValueFromTheDataThatAFunctionCannotUseRejectsTheRecord) {
    EXPECT_EQ(text("left(first, last)"),
              "ERROR: left: argument 2 is 'Lovelace', not a whole number");
    EXPECT_EQ(text("mid(first, 1, nick)"), "ERROR: mid: argument 3 is '', not a whole number")
        << "never an empty value";
    EXPECT_EQ(text(R"(replace(first, phone, ""))").substr(0, 44),
              "ERROR: '+44 (20) 7946-0001' is not a regular");
    EXPECT_EQ(text("left(first, 2)"), "Ad");
}

} // namespace
} // namespace hr2scim::mappings
