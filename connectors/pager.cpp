#include "connectors/pager.hpp"

#include "connectors/json_records.hpp"
#include "http/redact.hpp"
#include "http/url.hpp"

#include <charconv>

namespace hr2scim::connectors {

Pager::Pager(PaginationSettings settings, std::string first_url)
    : m_settings(std::move(settings)), m_base_url(std::move(first_url)),
      m_origin(http::origin_of(m_base_url)) {}

std::string Pager::first_url() const {
    std::string url = m_base_url;
    switch (m_settings.style) {
    case PaginationStyle::page:
        url = http::set_query_parameter(url, m_settings.page_param,
                                        std::to_string(m_settings.page_start));
        if (!m_settings.size_param.empty())
            url = http::set_query_parameter(url, m_settings.size_param,
                                            std::to_string(m_settings.page_size));
        break;
    case PaginationStyle::offset:
        url = http::set_query_parameter(url, m_settings.offset_param, "0");
        url = http::set_query_parameter(url, m_settings.limit_param,
                                        std::to_string(m_settings.page_size));
        break;
    default:
        break;
    }
    return url;
}

tl::expected<void, std::string> Pager::read_total(const nlohmann::json& body) {
    if (m_settings.total_pointer.empty()) return {};
    auto total = text_at(body, m_settings.total_pointer);
    size_t count = 0;
    auto parsed = total ? std::from_chars(total->data(), total->data() + total->size(), count)
                        : std::from_chars_result{nullptr, std::errc::invalid_argument};
    if (!total || parsed.ec != std::errc() || parsed.ptr != total->data() + total->size())
        return tl::unexpected("the page has no whole number at " + m_settings.total_pointer +
                              " (total_pointer), so the read cannot be checked");
    if (m_total && *m_total != count)
        return tl::unexpected("the API's total changed during the read, from " +
                              std::to_string(*m_total) + " to " + std::to_string(count) +
                              " records");
    m_total = count;
    return {};
}

Pager::Next Pager::end() {
    if (m_total && m_records != *m_total)
        return tl::unexpected("the API says it has " + std::to_string(*m_total) +
                              " records in total, but the read "
                              "returned " +
                              std::to_string(m_records) +
                              "; a read that does not add up is not complete");
    return std::optional<std::string>();
}

tl::expected<std::string, std::string> Pager::bounded(std::string value, std::string_view what) {
    if (value.size() <= k_max_next_link_bytes) return value;
    return tl::unexpected("the API's " + std::string(what) + " is " + std::to_string(value.size()) +
                          " bytes long, more than " + std::to_string(k_max_next_link_bytes) +
                          "; refused");
}

Pager::Next Pager::follow(std::string url) {
    // Credentials go only to the configured origin: a link elsewhere would hand them over.
    if (http::origin_of(url) != m_origin)
        return tl::unexpected("the API's next page is on another origin (" + http::redact_url(url) +
                              "); credentials are sent only to " + m_origin);
    // A server that points back at a page already read would page forever.
    if (!m_seen.insert(url).second)
        return tl::unexpected("the API points back to a page already read: " +
                              http::redact_url(url));
    return std::optional<std::string>(std::move(url));
}

Pager::Next Pager::next(const std::string& current_url, const nlohmann::json& body,
                        const http::Response& response, size_t records_on_page) {
    m_seen.insert(current_url);
    if (++m_pages >= m_settings.max_pages && m_settings.style != PaginationStyle::none)
        return tl::unexpected("more than " + std::to_string(m_settings.max_pages) +
                              " pages (max_pages); the API keeps paging");
    m_records += records_on_page;
    if (auto total = read_total(body); !total) return tl::unexpected(total.error());
    auto next = next_url(current_url, body, response, records_on_page);
    if (next && !*next) return end();
    return next;
}

Pager::Next Pager::next_url(const std::string& current_url, const nlohmann::json& body,
                            const http::Response& response, size_t records_on_page) {
    // A short page is not the end: APIs cap page sizes below what was asked. Only an empty
    // page, or reaching the total the API reports, ends a page or offset read.
    const bool last_page = records_on_page == 0 || (m_total && m_records >= *m_total);
    switch (m_settings.style) {
    case PaginationStyle::none:
        return std::optional<std::string>();
    case PaginationStyle::page:
        if (last_page) return std::optional<std::string>();
        return follow(http::set_query_parameter(
            current_url, m_settings.page_param,
            std::to_string(m_settings.page_start + static_cast<long>(m_pages))));
    case PaginationStyle::offset:
        if (last_page) return std::optional<std::string>();
        m_offset += static_cast<long>(records_on_page);
        return follow(http::set_query_parameter(current_url, m_settings.offset_param,
                                                std::to_string(m_offset)));
    case PaginationStyle::cursor: {
        auto cursor = text_at(body, m_settings.cursor_pointer);
        if (!cursor) return std::optional<std::string>();
        auto usable =
            bounded(std::move(*cursor), "next cursor (" + m_settings.cursor_pointer + ")");
        if (!usable) return tl::unexpected(usable.error());
        return follow(http::set_query_parameter(m_base_url, m_settings.cursor_param, *usable));
    }
    case PaginationStyle::next_url: {
        auto link = text_at(body, m_settings.next_pointer);
        if (!link) return std::optional<std::string>();
        auto usable = bounded(std::move(*link), "next page link (" + m_settings.next_pointer + ")");
        if (!usable) return tl::unexpected(usable.error());
        return follow(http::resolve_url(current_url, *usable));
    }
    case PaginationStyle::link: {
        const auto* header = response.header("link");
        if (!header) return std::optional<std::string>();
        auto link = http::next_link(*header);
        if (!link) return tl::unexpected(link.error());
        if (link->empty()) return std::optional<std::string>();
        auto usable = bounded(std::move(*link), "next page link (Link header)");
        if (!usable) return tl::unexpected(usable.error());
        return follow(http::resolve_url(current_url, *usable));
    }
    }
    return std::optional<std::string>();
}

} // namespace hr2scim::connectors
