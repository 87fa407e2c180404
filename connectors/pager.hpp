#pragma once
// Which page of an HR API to read next. Pure: it sees each page's body, headers and record
// count, and answers with the next URL or the end. Every style ends; loops are errors.

#include "http/http_client.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <tl/expected.hpp>

namespace hr2scim::connectors {

enum class PaginationStyle { none, page, offset, cursor, next_url, link };

// A next link or cursor longer than this is refused: it goes into the next request's URL.
inline constexpr size_t k_max_next_link_bytes = size_t{16} << 10;

struct PaginationSettings {
    PaginationStyle style = PaginationStyle::none;
    std::string page_param = "page"; // page: the page number parameter
    long page_start = 1;             // page: the first page's number
    std::string size_param;          // page: the page size parameter, if the API takes one
    long page_size = 100;            // page, offset: records per page
    std::string offset_param = "offset";
    std::string limit_param = "limit";
    std::string cursor_pointer; // cursor: where the next cursor is in the body
    std::string cursor_param = "cursor";
    std::string next_pointer; // next_url: where the next URL is in the body
    std::string
        total_pointer; // where the total record count is, if the API says; checked against the read
    size_t max_pages = 1000; // against pagination that never ends
};

class Pager {
  public:
    Pager(PaginationSettings settings, std::string first_url);

    [[nodiscard]] std::string first_url() const;
    // The URL of the next page, nothing at the end, or an error (a loop, too many pages).
    [[nodiscard]] tl::expected<std::optional<std::string>, std::string>
    next(const std::string& current_url, const nlohmann::json& body, const http::Response& response,
         size_t records_on_page);
    [[nodiscard]] size_t pages_read() const { return m_pages; }

  private:
    using Next = tl::expected<std::optional<std::string>, std::string>;
    Next follow(std::string url);
    // `value` (a cursor or a link, found at `where`) when it is not too long to send.
    static tl::expected<std::string, std::string> bounded(std::string value, std::string_view what);
    Next next_url(const std::string& current_url, const nlohmann::json& body,
                  const http::Response& response, size_t records_on_page);
    // The API's stated total: read from every page, and the same on each.
    tl::expected<void, std::string> read_total(const nlohmann::json& body);
    // At the end of the read: the records read must be the total the API stated.
    Next end();

    PaginationSettings m_settings;
    std::string m_base_url;
    size_t m_pages = 0;
    long m_offset = 0;
    size_t m_records = 0;
    std::optional<size_t> m_total;
    std::string m_origin; // scheme://host:port of the first URL; no page is read elsewhere
    std::set<std::string> m_seen;
};

} // namespace hr2scim::connectors
