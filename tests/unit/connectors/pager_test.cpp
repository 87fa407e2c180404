#include "connectors/json_records.hpp"
#include "connectors/pager.hpp"

#include <gtest/gtest.h>

namespace hr2scim::connectors {
namespace {

using nlohmann::json;

std::optional<std::string> next(Pager& pager, const std::string& url, const json& body,
                                size_t records, const std::string& link = {}) {
    http::Response response{200, {}, {}};
    if (!link.empty()) response.headers["link"] = link;
    auto result = pager.next(url, body, response, records);
    if (!result) return "ERROR " + result.error();
    return *result;
}

TEST(Pager, PageNumbersGoOnUntilAnEmptyPage) {
    PaginationSettings settings;
    settings.style = PaginationStyle::page;
    settings.size_param = "per_page";
    settings.page_size = 200;
    Pager pager(settings, "https://h/e");
    EXPECT_EQ(pager.first_url(), "https://h/e?page=1&per_page=200");
    // The API caps pages at 100: a short page is not the end.
    EXPECT_EQ(next(pager, "https://h/e?page=1&per_page=200", {}, 100),
              "https://h/e?per_page=200&page=2");
    EXPECT_EQ(next(pager, "https://h/e?per_page=200&page=2", {}, 7),
              "https://h/e?per_page=200&page=3");
    EXPECT_EQ(next(pager, "https://h/e?per_page=200&page=3", {}, 0), std::nullopt);
}

TEST(Pager, AReportedTotalEndsTheReadWithoutAnEmptyPage) {
    PaginationSettings settings;
    settings.style = PaginationStyle::offset;
    settings.page_size = 100;
    settings.total_pointer = "/metadata/total_elements";
    Pager pager(settings, "https://h/e");
    json body = {{"metadata", {{"total_elements", 150}}}};
    EXPECT_EQ(next(pager, "https://h/e?offset=0&limit=100", body, 100),
              "https://h/e?limit=100&offset=100");
    EXPECT_EQ(next(pager, "https://h/e?limit=100&offset=100", body, 50), std::nullopt);

    Pager unsure(settings, "https://h/e");
    json vague = {{"metadata", {{"total_elements", "many"}}}};
    EXPECT_EQ(next(unsure, "https://h/e?offset=0&limit=100", vague, 100),
              "ERROR the page has no whole number at /metadata/total_elements (total_pointer), so "
              "the read cannot be "
              "checked")
        << "a total that cannot be read cannot vouch for the read";
}

TEST(Pager, AReadThatDoesNotAddUpToTheTotalFails) {
    PaginationSettings settings;
    settings.style = PaginationStyle::page;
    settings.total_pointer = "/total";
    const std::string failed =
        "ERROR the API says it has 1003 records in total, but the read returned 1000";
    Pager short_read(settings, "https://h/e");
    for (int page = 1; page <= 10; ++page)
        ASSERT_EQ(
            next(short_read, "https://h/e?page=" + std::to_string(page), {{"total", 1003}}, 100),
            "https://h/e?page=" + std::to_string(page + 1));
    EXPECT_EQ(next(short_read, "https://h/e?page=11", {{"total", 1003}}, 0)
                  .value_or("")
                  .substr(0, failed.size()),
              failed)
        << "an empty page before the total";

    Pager long_read(settings, "https://h/e");
    EXPECT_EQ(
        next(long_read, "https://h/e?page=1", {{"total", 950}}, 1003).value_or("").substr(0, 62),
        "ERROR the API says it has 950 records in total, but the read r")
        << "more records than the total";

    Pager zero(settings, "https://h/e");
    EXPECT_EQ(next(zero, "https://h/e?page=1", {{"total", 0}}, 40).value_or("").substr(0, 45),
              "ERROR the API says it has 0 records in total,")
        << "total: 0 beside records";

    Pager changing(settings, "https://h/e");
    ASSERT_EQ(next(changing, "https://h/e?page=1", {{"total", 300}}, 100), "https://h/e?page=2");
    EXPECT_EQ(next(changing, "https://h/e?page=2", {{"total", 290}}, 100),
              "ERROR the API's total changed during the read, from 300 to 290 records");

    settings.style = PaginationStyle::cursor;
    settings.cursor_pointer = "/next";
    Pager cursor(settings, "https://h/e");
    EXPECT_EQ(next(cursor, "https://h/e", {{"total", 150}}, 100).value_or("").substr(0, 46),
              "ERROR the API says it has 150 records in total")
        << "the total is checked whatever the pagination";
}

TEST(Pager, NeverFollowsALinkToAnotherOrigin) {
    PaginationSettings settings;
    settings.style = PaginationStyle::next_url;
    settings.next_pointer = "/next";
    for (const char* elsewhere :
         {"https://evil.example.net/e?p=2", "https://h:8443/e?p=2", "http://h/e?p=2"}) {
        Pager pager(settings, "https://h/e");
        auto followed = next(pager, "https://h/e", {{"next", elsewhere}}, 10).value_or("");
        EXPECT_TRUE(followed.starts_with("ERROR the API's next page is on another origin"))
            << elsewhere << ": " << followed;
    }
    Pager same(settings, "https://h/e");
    EXPECT_EQ(next(same, "https://h/e", {{"next", "https://H:443/e?p=2"}}, 10),
              "https://H:443/e?p=2");

    settings.style = PaginationStyle::link;
    Pager linked(settings, "https://h/e");
    auto followed =
        next(linked, "https://h/e", {}, 10, "<https://other/e?p=2>; rel=\"next\"").value_or("");
    EXPECT_TRUE(followed.starts_with("ERROR the API's next page is on another origin")) << followed;
    Pager unterminated(settings, "https://h/e");
    followed =
        next(unterminated, "https://h/e", {}, 10, "<https://h/e?p=2; rel=\"next\"").value_or("");
    EXPECT_TRUE(followed.starts_with("ERROR the Link header has a `<` without")) << followed;
}

TEST(Pager, OffsetsAdvanceByTheRecordsRead) {
    PaginationSettings settings;
    settings.style = PaginationStyle::offset;
    settings.page_size = 50;
    Pager pager(settings, "https://h/e");
    EXPECT_EQ(pager.first_url(), "https://h/e?offset=0&limit=50");
    EXPECT_EQ(next(pager, "https://h/e?offset=0&limit=50", {}, 50),
              "https://h/e?limit=50&offset=50");
    EXPECT_EQ(next(pager, "https://h/e?limit=50&offset=50", {}, 20),
              "https://h/e?limit=50&offset=70");
    EXPECT_EQ(next(pager, "https://h/e?limit=50&offset=70", {}, 0), std::nullopt)
        << "an empty page ends";
}

TEST(Pager, CursorsComeFromTheBodyUntilThereIsNone) {
    PaginationSettings settings;
    settings.style = PaginationStyle::cursor;
    settings.cursor_pointer = "/meta/next";
    Pager pager(settings, "https://h/e?fields=all");
    EXPECT_EQ(next(pager, "https://h/e?fields=all", {{"meta", {{"next", "abc"}}}}, 100),
              "https://h/e?fields=all&cursor=abc");
    EXPECT_EQ(
        next(pager, "https://h/e?fields=all&cursor=abc", {{"meta", {{"next", nullptr}}}}, 100),
        std::nullopt);
}

TEST(Pager, NextUrlsAndLinkHeadersAreFollowedButNeverTwice) {
    PaginationSettings settings;
    settings.style = PaginationStyle::next_url;
    settings.next_pointer = "/links/next";
    Pager pager(settings, "https://h/api/e");
    EXPECT_EQ(next(pager, "https://h/api/e", {{"links", {{"next", "/api/e?p=2"}}}}, 10),
              "https://h/api/e?p=2");
    EXPECT_EQ(next(pager, "https://h/api/e?p=2", {{"links", {{"next", "/api/e?p=2"}}}}, 10),
              "ERROR the API points back to a page already read: https://h/api/e?p=2");

    settings.style = PaginationStyle::link;
    Pager by_header(settings, "https://h/e");
    EXPECT_EQ(next(by_header, "https://h/e", {}, 10, R"(<https://h/e?p=2>; rel="next")"),
              "https://h/e?p=2");
    EXPECT_EQ(next(by_header, "https://h/e?p=2", {}, 10, R"(<https://h/e?p=1>; rel="prev")"),
              std::nullopt);
}

TEST(Pager, TooManyPagesIsAnError) {
    PaginationSettings settings;
    settings.style = PaginationStyle::page;
    settings.page_size = 1;
    settings.max_pages = 3;
    // (every page below holds one record, so only max_pages ends this read)
    Pager pager(settings, "https://h/e");
    EXPECT_EQ(next(pager, "https://h/u1", {}, 1), "https://h/u1?page=2");
    EXPECT_EQ(next(pager, "https://h/u2", {}, 1), "https://h/u2?page=3");
    EXPECT_EQ(next(pager, "https://h/u3", {}, 1),
              "ERROR more than 3 pages (max_pages); the API keeps paging");
}

TEST(JsonRecords, FlattensNestedObjectsAndArrays) {
    auto attributes =
        flatten_json(json::parse(R"({"id": 7, "name": {"first": "Ada"}, "active": true,
        "phones": [{"type": "work", "number": "1"}, {"type": "mobile", "number": "2"}], "tags": ["a", "b"],
        "manager": null})"));
    EXPECT_EQ(attributes.at("id"), (std::vector<std::string>{"7"}));
    EXPECT_EQ(attributes.at("name.first"), (std::vector<std::string>{"Ada"}));
    EXPECT_EQ(attributes.at("active"), (std::vector<std::string>{"true"}));
    EXPECT_EQ(attributes.at("phones.number"), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(attributes.at("tags"), (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(attributes.contains("manager"));
}

TEST(JsonRecords, DeepNestingIsCutOffNotACrash) {
    std::string deep =
        "{\"id\": \"E1\", \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    auto attributes = flatten_json(json::parse(deep));
    EXPECT_EQ(attributes.at("id"), (std::vector<std::string>{"E1"}));
}

TEST(JsonRecords, FindsTheRecordArrayOrSaysWhyNot) {
    auto page = json::parse(R"({"data": {"people": [1, 2]}, "meta": {}})");
    ASSERT_TRUE(records_at(page, "/data/people"));
    EXPECT_EQ((*records_at(page, "/data/people"))->size(), 2U);
    EXPECT_EQ(records_at(page, "/data/persons").error(), "no /data/persons in the page");
    EXPECT_EQ(records_at(page, "/meta").error(), "/meta is not an array");
    EXPECT_TRUE(records_at(json::parse("[1]"), ""));
    EXPECT_EQ(text_at(page, "/meta/next"), std::nullopt);
}

} // namespace
} // namespace hr2scim::connectors

namespace hr2scim::connectors {
namespace {

// A next link or cursor goes into the next request's URL: one too long to send is refused by
// name, at the limit still followed.
TEST(Pager, ANextLinkOrCursorTooLongToSendIsRefused) {
    PaginationSettings cursor;
    cursor.style = PaginationStyle::cursor;
    cursor.cursor_pointer = "/next";
    Pager fits(cursor, "https://h/e");
    const std::string longest(k_max_next_link_bytes, 'c');
    EXPECT_EQ(next(fits, "https://h/e", json{{"next", longest}}, 1),
              "https://h/e?cursor=" + longest);
    Pager refuses(cursor, "https://h/e");
    EXPECT_EQ(next(refuses, "https://h/e", json{{"next", longest + "c"}}, 1),
              "ERROR the API's next cursor (/next) is 16385 bytes long, more than 16384; refused");

    PaginationSettings link;
    link.style = PaginationStyle::next_url;
    link.next_pointer = "/links/next";
    Pager body_link(link, "https://h/e");
    const std::string huge = "/e?p=2&pad=" + std::string(size_t{1} << 20, 'x');
    EXPECT_EQ(next(body_link, "https://h/e", json{{"links", {{"next", huge}}}}, 1),
              "ERROR the API's next page link (/links/next) is " + std::to_string(huge.size()) +
                  " bytes long, more than 16384; refused");

    PaginationSettings header;
    header.style = PaginationStyle::link;
    Pager header_link(header, "https://h/e");
    EXPECT_EQ(next(header_link, "https://h/e", json::array(), 1, "<" + huge + ">; rel=\"next\""),
              "ERROR the API's next page link (Link header) is " + std::to_string(huge.size()) +
                  " bytes long, more than 16384; refused");
}

} // namespace
} // namespace hr2scim::connectors
