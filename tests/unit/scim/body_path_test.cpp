#include "scim/body_path.hpp"

#include <gtest/gtest.h>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

AttributePath path(const char* text) {
    return *parse_attribute_path(text);
}

TEST(BodyPath, SetsAndReadsEveryKindOfPath) {
    json body = json::object();
    set_value(body, path("title"), "Engineer");
    set_value(body, path("name.givenName"), "Ada");
    set_value(body, path(R"(emails[type eq "work"].value)"), "a@x");
    set_value(body, path(R"(emails[type eq "work"].primary)"), true);
    set_value(body, path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
              "R&D");
    EXPECT_EQ(body, json::parse(R"({"title": "Engineer", "name": {"givenName": "Ada"},
        "emails": [{"type": "work", "value": "a@x", "primary": true}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}})"));
    EXPECT_EQ(*value_at(body, path(R"(emails[type eq "work"].value)")), "a@x");
    EXPECT_EQ(value_at(body, path(R"(emails[type eq "home"].value)")), nullptr);
    EXPECT_EQ(
        *value_at(body,
                  path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")),
        "R&D");
}

TEST(BodyPath, ErasingRemovesWhatIsLeftEmpty) {
    json body =
        json::parse(R"({"name": {"givenName": "Ada"}, "emails": [{"type": "work", "value": "a@x"},
        {"type": "home", "value": "h@x"}], "urn:x:User": {"department": "R&D"}})");
    erase_value(body, path("name.givenName"));
    erase_value(body, path(R"(emails[type eq "work"].value)"));
    erase_value(body, path("urn:x:User:department"));
    EXPECT_EQ(body, json::parse(R"({"emails": [{"type": "home", "value": "h@x"}]})"));
    erase_value(body, path(R"(emails[type eq "home"].value)"));
    EXPECT_EQ(body, json::object());
}

} // namespace
} // namespace hr2scim::scim
